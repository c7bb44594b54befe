/// An upstream's retry policy (contract: `retry: { attempts, on, backoff }`).
public struct PlannedRetry: Sendable, Equatable {
    /// Extra attempts allowed after the first one failed.
    public var attempts: Int
    public var on: RetryTriggers
    /// Nanoseconds between the failure and the retry.
    public var backoff: Int64

    public init(attempts: Int, on: RetryTriggers, backoff: Int64 = 0) {
        self.attempts = attempts
        self.on = on
        self.backoff = backoff
    }
}
