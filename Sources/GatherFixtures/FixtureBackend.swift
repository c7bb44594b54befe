import GatherCore

/// One simulated upstream service: a loopback port and the paths it serves.
public struct FixtureBackend: Sendable {
    public var name: String
    /// Loopback port; 0 asks the system for an ephemeral one.
    public var port: Int
    /// Seeds the backend's generator; every latency and fault draw follows from it.
    public var seed: UInt64
    public var paths: [FixturePath]
    /// Where the entry was written, when it came from a file.
    public var location: SourceLocation?
    /// HTTPS (with HTTP/2 by ALPN) instead of plaintext HTTP/1.1.
    public var tls: FixtureTLS?

    public init(name: String, port: Int = 0, seed: UInt64 = 0, paths: [FixturePath], location: SourceLocation? = nil,
                tls: FixtureTLS? = nil) {
        self.name = name
        self.port = port
        self.seed = seed
        self.paths = paths
        self.location = location
        self.tls = tls
    }
}
