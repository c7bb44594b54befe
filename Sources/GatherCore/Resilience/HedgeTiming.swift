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
    public static func delay(for after: HedgeSpec.Delay, timeout: Int64, observed: Int64?) -> Int64 {
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

    /// The latency percentile an adaptive hedge waits for: max(NN, 100 · (1 − ¾ · budget)).
    ///
    /// Hedging at pNN sends a hedge for about (100 − NN)% of requests; a budget B pays for only
    /// B of them. Waiting for a later percentile makes the hedges go to the slowest requests, the
    /// ones that gain the most, instead of hedging at pNN and letting the budget refuse most
    /// hedges at random (Finagle's BackupRequestFilter derives its percentile from
    /// `maxExtraLoad` the same way). It aims at three quarters of the budget, not all of it: the
    /// budget is a token bucket refilled at B per primary, and a demand of exactly B is a random
    /// walk with no drift that keeps emptying the bucket, which then refuses hedges at random
    /// again, stalled attempts among them; the spare quarter absorbs bursts and second hedges.
    /// (Half the budget would leave more spare, but puts the target at p99 for a 2% budget, right
    /// where a backend that stalls 1% of answers has the edge of its stall mass: the window's p99
    /// then lands on overtaken primaries, recorded at the moment they lost, and creeps upwards.)
    /// bench/tail measured all three; see BENCHMARKS.md.
    /// `p95` with `budget: 2%` → p98.5; `p99` with `budget: 1%` → p99.25; no budget → NN.
    /// nil for a fixed delay, which no budget moves.
    public static func percentile(for after: HedgeSpec.Delay, budget: Double?) -> Double? {
        guard case .percentile(let requested) = after else { return nil }
        guard let budget, !budget.isNaN else { return requested }
        let clamped = min(max(budget, 0), 1)
        // Rounded to a millionth of a percent: binary fractions such as 100 · (1 − 0.015) are a
        // hair above the decimal value, which the nearest-rank rule would read as the next rank.
        let fromBudget = (100 * (1 - clamped * 0.75) * 1_000_000).rounded() / 1_000_000
        return max(requested, fromBudget)
    }
}
