/// The outcome of matching a request line against a backend's paths.
enum FixtureRoute {
    case found(FixturePath)
    /// The path exists but not for this method; carries the methods that would match.
    case methodNotAllowed(allowed: [String])
    case notFound

    /// Exact path match; an entry naming the method wins over one that accepts any method.
    static func match(method: String, path: String, in paths: [FixturePath]) -> FixtureRoute {
        let candidates = paths.filter { $0.path == path }
        guard !candidates.isEmpty else { return .notFound }
        if let exact = candidates.first(where: { $0.method == method }) { return .found(exact) }
        if let any = candidates.first(where: { $0.method == nil }) { return .found(any) }
        return .methodNotAllowed(allowed: candidates.compactMap(\.method))
    }
}
