/// Finds the route for a request. When several patterns match a path, the one with a literal
/// segment where the other has a parameter (comparing left to right) wins, so `/users/me`
/// beats `/users/{id}`; among equal shapes the first loaded wins.
public struct RouteTable: Sendable {
    public let routes: [Route]

    public init(routes: [Route]) {
        self.routes = routes
    }

    public func match(method: String, path: Substring) -> (route: Route, params: [String: String])? {
        var best: (route: Route, params: [String: String])?
        let isASCII = PathPattern.isASCII(path)
        for route in routes where route.method == method {
            guard let params = route.path.match(path, isASCII: isASCII) else { continue }
            if let current = best, !Self.isMoreSpecific(route.path, than: current.route.path) { continue }
            best = (route, params)
        }
        return best
    }

    /// The methods routed for `path`, sorted, for a 405 answer's `Allow` header; empty when no
    /// route has this path (a 404).
    public func allowsPath(_ path: Substring) -> [String] {
        var methods: Set<String> = []
        let isASCII = PathPattern.isASCII(path)
        for route in routes where route.path.match(path, isASCII: isASCII) != nil {
            methods.insert(route.method)
        }
        return methods.sorted()
    }

    /// Both patterns match the same path, so they have the same number of segments.
    private static func isMoreSpecific(_ candidate: PathPattern, than current: PathPattern) -> Bool {
        for (a, b) in zip(candidate.segments, current.segments) {
            switch (a, b) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }
}
