/// One sent attempt, kept in `FanOut.attempts` in send order.
struct AttemptRecord: Sendable {
    var id: AttemptID
    var kind: AttemptKind
    var replica: Int
    var timeoutAt: Int64
    var inFlight: Bool
    /// The driver never sent it (a hedge or retry budget, or the breaker, said no).
    var withdrawn = false
    /// Set when the machine aborted it.
    var abortReason: AttemptAbortReason?
    /// The same upstream's next attempt (index into `FanOut.attempts`), or -1: a per-upstream
    /// chain so looking up or aborting siblings never scans other upstreams' attempts.
    var nextSibling: Int
}
