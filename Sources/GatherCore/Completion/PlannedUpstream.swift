/// One upstream of a `FanOutPlan`.
public struct PlannedUpstream: Sendable, Equatable {
    /// The url plus its replicas (at least 1; below 1 counts as 1).
    public var replicaCount: Int
    /// Which replica the primary attempt goes to (the route layer picks it, e.g. by P2C);
    /// taken modulo `replicaCount`.
    public var primaryReplica: Int
    /// Per-attempt budget in nanoseconds; below 1 counts as 1.
    public var timeout: Int64
    /// Delay without an answer before a hedge is sent; nil = no hedging.
    public var hedgeAfter: Int64?
    /// Most hedges sent for this upstream (only with `hedgeAfter`).
    public var hedgeMax: Int
    /// nil = no retries (the contract's default).
    public var retry: PlannedRetry?
    /// Never sent (circuit open, or shed); final as `.skipped` from the start.
    public var skipped: Bool
    /// Upstreams (indices in the plan) that must be `ok` before this one is sent; one that ends
    /// otherwise skips this one (cancels it, when it was cancelled).
    public var needs: [Int] = []
    /// The answer is 502/504 unless this upstream ends `ok`; once it has failed, nothing else
    /// is waited for.
    public var required = false
    /// A map (`each:`): its primary becomes its calls (`FanOut.expand`), so until then the
    /// machine cannot tell how many upstreams the rule counts.
    public var isMap = false

    public init(replicaCount: Int = 1, primaryReplica: Int = 0, timeout: Int64,
                hedgeAfter: Int64? = nil, hedgeMax: Int = 1, retry: PlannedRetry? = nil,
                skipped: Bool = false) {
        self.replicaCount = replicaCount
        self.primaryReplica = primaryReplica
        self.timeout = timeout
        self.hedgeAfter = hedgeAfter
        self.hedgeMax = hedgeMax
        self.retry = retry
        self.skipped = skipped
    }
}
