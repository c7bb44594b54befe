/// Turns `hedge.after` into a delay in nanoseconds.
public enum HedgeTiming {
    /// The adaptive delay never goes below this: a p95 of microseconds (a local cache) would
    /// otherwise hedge nearly every request.
    public static let minimumAdaptiveDelay: Int64 = 1_000_000

    /// - `fixed`: as written (a negative value counts as 0).
    /// - `percentile`: the upstream's observed percentile, clamped to [1ms, timeout]; while the
    ///   window has too few samples (`observed` nil) the fallback is half the timeout — late
    ///   enough not to double a cold upstream's load, early enough to still rescue a straggler.
    ///   A timeout under 1ms pulls the lower bound down to the timeout.
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
}
