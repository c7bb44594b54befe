/// Turns `hedge.after` into a delay in nanoseconds.
public enum HedgeTiming {
    /// The adaptive delay never goes below this: a p95 of microseconds (a local cache) would
    /// otherwise hedge nearly every request.
    public static let minimumAdaptiveDelay: Int64 = 1_000_000

    /// - `fixed`: as written (a negative value counts as 0).
    /// - `percentile`: the upstream's observed percentile (see `percentile(for:budget:)` for
    ///   which one), clamped to [1ms, timeout]; while the window has too few samples (`observed`
    ///   nil) the fallback is half the timeout — late enough not to double a cold upstream's load,
    ///   early enough to still rescue a straggler. A timeout under 1ms pulls the lower bound down
    ///   to the timeout.
    public static func delay(for after: HedgeDelay, timeout: Int64, observed: Int64?) -> Int64 {
        switch after {
        case .fixed(let duration):
            return max(0, duration.nanoseconds)
        case .percentile:
            let upper = max(1, timeout)
            let lower = min(minimumAdaptiveDelay, upper)
            let raw = observed ?? upper / 2
            return min(max(raw, lower), upper)
        }
    }

    /// The latency percentile an adaptive hedge waits for: max(NN, 100 · (1 − budget)).
    ///
    /// Hedging at pNN sends a hedge for about (100 − NN)% of requests; a budget B pays for only
    /// B of them. When B is the smaller of the two, waiting for the (100 · (1 − B))th percentile
    /// instead makes the hedges go to the slowest B of requests, the ones that gain the most,
    /// rather than hedging at pNN and letting the budget refuse most hedges at random. This is
    /// how Finagle's BackupRequestFilter derives its percentile from `maxExtraLoad`.
    /// `p95` with `budget: 2%` → p98; `p99` with `budget: 5%` → p99; no budget → NN.
    /// nil for a fixed delay, which no budget moves.
    public static func percentile(for after: HedgeDelay, budget: Double?) -> Double? {
        guard case .percentile(let requested) = after else { return nil }
        guard let budget, !budget.isNaN else { return requested }
        let clamped = min(max(budget, 0), 1)
        // Rounded to a millionth of a percent: 100 · (1 − 0.02) is 98.00000000000001 in binary,
        // which the nearest-rank rule would read as "above p98".
        let fromBudget = (100 * (1 - clamped) * 1_000_000).rounded() / 1_000_000
        return max(requested, fromBudget)
    }
}
