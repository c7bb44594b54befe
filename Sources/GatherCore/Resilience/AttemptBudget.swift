/// "Extra attempts (hedges, or retries) at most `ratio` of primary attempts", as a token bucket
/// in the style of Envoy's retry budget and gRPC's retry throttling.
///
/// The exact rule, in whole micro-tokens so that sequences are exact:
/// - each primary earns `ratio` tokens (`2%` → 0.02), rounded to the nearest micro-token
///   (at least 1 micro-token when `ratio` > 0);
/// - an extra attempt costs 1 token and is allowed only when at least 1 token is there;
/// - the balance never exceeds `maxTokens` (30), so a quiet hour cannot fund a storm of hedges.
///   Why 30 and not 10: the bucket refills at `ratio` per primary while slow answers arrive at
///   random, so it empties now and then even when they average below the budget, and an empty
///   bucket refuses at random — a stalled attempt among them. At 85% of the budget used, the
///   bucket is empty about 3% of the time with room for 10 tokens and 0.1% with 30 (the tail
///   benchmark: 30 removed the 1 s stalls that 10 let through at 300 req/s over 10 shards);
/// - the balance starts at 1 token (the cold-start allowance), so a fresh upstream may still
///   hedge once before it has earned anything — unless `ratio` is 0, which means never.
public struct AttemptBudget: Sendable, Equatable {
    public static let microTokensPerToken: Int64 = 1_000_000
    public static let maxTokens: Int64 = 30
    public static let initialTokens: Int64 = 1

    /// The configured fraction, clamped to 0…1 (NaN counts as 0).
    public let ratio: Double
    /// Micro-tokens earned per primary attempt.
    public let earnedPerPrimary: Int64
    /// Current balance in micro-tokens.
    public private(set) var balance: Int64

    public init(ratio: Double) {
        let clamped = ratio.isNaN ? 0 : min(max(ratio, 0), 1)
        self.ratio = clamped
        // A tiny but nonzero ratio still earns something, so it never reads as "never".
        let earned = Int64((clamped * Double(Self.microTokensPerToken)).rounded())
        earnedPerPrimary = clamped > 0 ? max(1, earned) : 0
        balance = clamped > 0 ? Self.initialTokens * Self.microTokensPerToken : 0
    }

    /// The balance in tokens, for display.
    public var tokens: Double { Double(balance) / Double(Self.microTokensPerToken) }

    public mutating func recordPrimary() {
        balance = min(balance + earnedPerPrimary, Self.maxTokens * Self.microTokensPerToken)
    }

    /// Spends one token if there is one; false leaves the balance untouched.
    public mutating func tryConsume() -> Bool {
        guard balance >= Self.microTokensPerToken else { return false }
        balance -= Self.microTokensPerToken
        return true
    }
}
