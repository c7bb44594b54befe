/// `hedge: { after: 40ms, max: 1, budget: 2% }`.
public struct HedgeSpec: Sendable, Equatable {
    public var after: HedgeDelay
    /// The most extra attempts (0–10); 0 configures the delay but sends no hedge.
    public var max: Int
    /// Hedges may be at most this fraction of primary attempts (`2%` → 0.02); nil: no limit.
    public var budget: Double?

    public init(after: HedgeDelay, max: Int = 1, budget: Double? = nil) {
        self.after = after
        self.max = max
        self.budget = budget
    }
}
