/// What the I/O layer must send for one attempt.
public struct AttemptRequest: Sendable, Equatable {
    public var id: AttemptID
    /// Index into the upstream's url-plus-replicas list.
    public var replica: Int
    public var kind: AttemptKind
    /// A hedge to a url that already has an attempt in flight: it must not queue behind that
    /// attempt on a pooled connection.
    public var freshConnection: Bool
    /// Absolute time (same clock as `now`) at which the machine gives up on this attempt.
    public var timeoutAt: Int64

    public init(id: AttemptID, replica: Int, kind: AttemptKind, freshConnection: Bool,
                timeoutAt: Int64) {
        self.id = id
        self.replica = replica
        self.kind = kind
        self.freshConnection = freshConnection
        self.timeoutAt = timeoutAt
    }
}
