/// Route files that cannot be used; every problem found, sorted by file, line and column.
public struct RouteLoadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [RouteLoadError]

    public init(errors: [RouteLoadError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
