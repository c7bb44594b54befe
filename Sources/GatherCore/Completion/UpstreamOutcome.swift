/// One upstream's part of the answer (`upstreams.NAME` in the envelope).
public struct UpstreamOutcome: Sendable, Equatable {
    /// nil while the upstream is still pending.
    public var status: UpstreamStatus?
    public var httpStatus: Int?
    /// Nanoseconds from the fan-out's start to the final state (`ms`).
    public var finishedAt: Int64?
    /// Every request sent: primary, hedges and retries.
    public var attempts: Int
    public var hedged: Bool
    public var wonBy: AttemptKind?
    public var winningAttempt: AttemptID?
    /// Skipped (or cancelled) without being sent because this need ended other than `ok`.
    public var blockedBy: Int?
    /// How that need ended.
    public var blockedStatus: UpstreamStatus?
    /// A map: the entries its calls became (status stays nil; the calls are reported instead).
    public var calls: Range<Int>?

    public init(status: UpstreamStatus? = nil, httpStatus: Int? = nil, finishedAt: Int64? = nil,
                attempts: Int = 0, hedged: Bool = false, wonBy: AttemptKind? = nil,
                winningAttempt: AttemptID? = nil) {
        self.status = status
        self.httpStatus = httpStatus
        self.finishedAt = finishedAt
        self.attempts = attempts
        self.hedged = hedged
        self.wonBy = wonBy
        self.winningAttempt = winningAttempt
    }
}
