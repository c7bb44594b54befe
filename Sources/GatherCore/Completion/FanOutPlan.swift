/// Everything the completion machine needs to know about one request's fan-out, already
/// resolved from the route (thresholds counted, durations in nanoseconds, breakers consulted).
public struct FanOutPlan: Sendable, Equatable {
    /// In route order; an upstream's index here is its index everywhere else.
    public var upstreams: [PlannedUpstream]
    public var rule: CompletionRule
    /// K for `rule == .quorum`; below 1 counts as 1.
    public var quorum: Int
    /// Fewest successes for a 200 (see `FanOut.responseStatus`).
    public var minOK: Int
    /// Attempts (primaries, hedges and retries alike) in flight at once; `Int.max` when
    /// unlimited, below 1 counts as 1.
    public var maxParallel: Int
    /// Whole fan-out budget in nanoseconds, relative to the machine's start; below 0 counts as 0.
    public var deadline: Int64
    /// Seeds the retry backoff's jitter (see `FanOut.nextBackoff`); nil waits exactly the
    /// backoff, for tests that check instants. The server always sets one.
    public var retryJitterSeed: UInt64?
    /// `min_ok` written as a percentage: resolved against the entries of the answer once a map's
    /// calls are known (each call is one), instead of `minOK`.
    public var minOKPercent: Double?

    public init(upstreams: [PlannedUpstream], rule: CompletionRule = .all, quorum: Int = 1,
                minOK: Int = 1, maxParallel: Int = .max, deadline: Int64, retryJitterSeed: UInt64? = nil) {
        self.retryJitterSeed = retryJitterSeed
        self.upstreams = upstreams
        self.rule = rule
        self.quorum = quorum
        self.minOK = minOK
        self.maxParallel = maxParallel
        self.deadline = deadline
    }
}
