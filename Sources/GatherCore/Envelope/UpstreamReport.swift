/// How one upstream fared in one aggregated answer (one entry of the envelope's `upstreams`).
public struct UpstreamReport: Sendable, Equatable {
    public var name: String
    public var status: UpstreamStatus
    /// The HTTP status of the answer used, when one arrived.
    public var httpStatus: Int?
    /// From the fan-out to this upstream's final state.
    public var ms: Double
    /// Every request sent: primary, hedges, retries.
    public var attempts: Int
    public var hedged: Bool
    /// Which attempt's answer was used; written only for `ok` upstreams.
    public var wonBy: AttemptKind?
    /// Items contributed before dedupe; written only for `ok` upstreams.
    public var count: Int?
    /// Human detail ("pointer /results is missing"); written as `error` only when present.
    public var error: String?
    /// Set for upstreams with a `cache` (or `coalesce`): how this answer was served.
    public var cache: CacheResult? = nil
    /// `cache: stale`: how old the stored answer was, in milliseconds.
    public var ageMilliseconds: Double? = nil
    /// A large map's calls folded into this one report (see `MapCallSummary`).
    public var calls: MapCallSummary?

    public init(name: String, status: UpstreamStatus, httpStatus: Int? = nil, ms: Double, attempts: Int,
                hedged: Bool = false, wonBy: AttemptKind? = nil, count: Int? = nil, error: String? = nil) {
        self.name = name
        self.status = status
        self.httpStatus = httpStatus
        self.ms = ms
        self.attempts = attempts
        self.hedged = hedged
        self.wonBy = wonBy
        self.count = count
        self.error = error
    }
}
