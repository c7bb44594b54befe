/// `retry: { attempts: 2, on: [error, timeout, 5xx, 429], backoff: 10ms, budget: 10% }`.
public struct RetrySpec: Sendable, Equatable {
    /// Total attempts including the first, so `attempts: 2` allows one retry (1–10).
    public var attempts: Int
    /// Default when `on` is left out: error, timeout and 5xx (429 asks the caller to slow down).
    public var on: Set<Condition>
    /// Wait before each retry; default 0.
    public var backoff: Duration
    /// Retries may be at most this fraction of primary attempts (`10%` → 0.1); nil: `defaultBudget`.
    public var budget: Double?

    /// The retry budget when `retry:` leaves `budget` out: a failing backend sees at most 10%
    /// more requests, not `attempts` times as many.
    public static let defaultBudget = 0.1

    public static let defaultConditions: Set<Condition> = [.error, .timeout, .status5xx]

    public init(attempts: Int, on: Set<Condition> = RetrySpec.defaultConditions,
                backoff: Duration = .zero, budget: Double? = nil) {
        self.attempts = attempts
        self.on = on
        self.backoff = backoff
        self.budget = budget
    }

    /// Which failed attempts `retry.on` retries; raw values are the route-file spellings.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case error
        case timeout
        case status5xx = "5xx"
        case status429 = "429"
    }
}
