/// An upstream's retry policy (contract: `retry: { attempts, on, backoff }`).
public struct PlannedRetry: Sendable, Equatable {
    /// Extra attempts allowed after the first one failed.
    public var attempts: Int
    public var on: RetryTriggers
    /// Nanoseconds between the failure and the first retry; doubled for each further retry and
    /// jittered when the plan has a `retryJitterSeed`.
    public var backoff: Int64
    /// Nanoseconds a retry can be expected to take (e.g. the upstream's live median); a retry
    /// whose start plus this would reach the deadline is not sent. 0: unknown, only the start counts.
    public var expectedLatency: Int64

    public init(attempts: Int, on: RetryTriggers, backoff: Int64 = 0, expectedLatency: Int64 = 0) {
        self.attempts = attempts
        self.on = on
        self.backoff = backoff
        self.expectedLatency = expectedLatency
    }
}
