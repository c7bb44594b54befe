import NIOCore

/// What a client may send before gather refuses it (contract: "Client limits").
public struct ClientLimits: Sendable {
    public var maxRequestLineBytes = 8 * 1024
    public var maxHeaderBytes = 16 * 1024
    public var maxBodyBytes = 1024 * 1024
    /// Time allowed to deliver a request's headers, so slow clients cannot pin connections.
    public var headerTimeout: TimeAmount = .seconds(10)
    public var keepAliveIdle: TimeAmount = .seconds(60)

    public init() {}
}
