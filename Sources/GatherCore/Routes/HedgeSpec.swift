/// `hedge: { after: 40ms, max: 1, budget: 2% }`.
public struct HedgeSpec: Sendable, Equatable {
    public var after: Delay
    /// The most extra attempts (0–10); 0 configures the delay but sends no hedge.
    public var max: Int
    /// Hedges may be at most this fraction of primary attempts (`2%` → 0.02); nil: no limit.
    public var budget: Double?

    public init(after: Delay, max: Int = 1, budget: Double? = nil) {
        self.after = after
        self.max = max
        self.budget = budget
    }

    /// When a hedge is sent: after a fixed delay, or after this upstream's live latency
    /// percentile (`p95`), which the server tracks.
    public enum Delay: Sendable, Equatable {
        case fixed(Duration)
        /// 0 < value ≤ 100, e.g. 95 for `p95`, 99.9 for `p99.9`.
        case percentile(Double)
    }
}
