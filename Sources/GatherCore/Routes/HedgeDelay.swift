/// When a hedge is sent: after a fixed delay, or after this upstream's live latency
/// percentile (`p95`), which the server tracks.
public enum HedgeDelay: Sendable, Equatable {
    case fixed(Duration)
    /// 0 < value ≤ 100, e.g. 95 for `p95`, 99.9 for `p99.9`.
    case percentile(Double)
}
