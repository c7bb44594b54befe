/// A backend that could not start listening (port taken, bad host).
public struct FixtureServerError: Error, Sendable, CustomStringConvertible {
    public var backend: String
    public var host: String
    public var port: Int
    public var underlying: String

    public var description: String {
        "fixture backend '\(backend)' cannot listen on \(host):\(port): \(underlying)"
    }
}
