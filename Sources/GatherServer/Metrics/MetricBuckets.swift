/// Histogram bucket upper bounds, chosen for what each histogram measures.
enum MetricBuckets {
    /// 1 ms to 10 s in 1–2.5–5 steps: the span between a cached upstream and a route deadline.
    /// Request, upstream and straggler latencies.
    static let latency: [Duration] = milliseconds([1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000])

    /// 10 µs to 100 ms: merging a few hundred items takes tens of microseconds, a pathological
    /// object merge milliseconds.
    static let merge: [Duration] = milliseconds([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100])

    /// Upstreams per request: exact for small routes, coarser for shard-style fan-outs.
    static let fanout: [Double] = [1, 2, 3, 5, 10, 20, 50, 100, 200]

    /// Stages per answer: plans are short chains.
    static let stages: [Double] = [1, 2, 3, 4, 5, 8]

    /// Map calls per answer: none (an empty collection) to large batch jobs.
    static let mapCalls: [Double] = [0, 1, 5, 10, 20, 50, 100, 200, 500, 1000, 5000]

    private static func milliseconds(_ values: [Double]) -> [Duration] {
        values.map { .nanoseconds(Int64(($0 * 1_000_000).rounded())) }
    }
}
