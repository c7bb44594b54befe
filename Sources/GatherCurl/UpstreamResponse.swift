/// How one transfer ended, with what it cost.
public struct UpstreamResponse: Sendable {
    public var outcome: TransferOutcome
    /// From `start` to completion, queueing on the transfer thread included.
    public var totalMilliseconds: Double
    /// New connections this transfer opened (CURLINFO_NUM_CONNECTS): 0 when a cached one was reused.
    public var connectionsOpened: Int

    public init(outcome: TransferOutcome, totalMilliseconds: Double, connectionsOpened: Int) {
        self.outcome = outcome
        self.totalMilliseconds = totalMilliseconds
        self.connectionsOpened = connectionsOpened
    }
}
