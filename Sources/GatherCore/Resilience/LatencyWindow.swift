/// The latest latencies of one upstream's primary attempts, for live percentiles
/// (`hedge.after: p95`, the admin `/upstreams` page). Fed with answers, and with primaries that
/// timed out or were overtaken by a hedge at their elapsed time (censored samples: the latency
/// was at least that). Fast failures and abandoned attempts stay out; see `AttemptEnd`.
///
/// A ring of the last `capacity` samples: recording is O(1). Percentiles are read from a sorted
/// copy that is rebuilt only once `refreshInterval` samples arrived since the last sort, so a busy
/// upstream sorts 1024 numbers once per 32 answers rather than once per request; between rebuilds
/// the answer lags by at most `refreshInterval - 1` samples, which a p95 does not notice.
///
/// Why 1024: a budget moves the hedge percentile up to p98.5 and beyond (`HedgeTiming`), and a
/// percentile that far out of 256 samples is the 4th largest, whose value jumps from one sort to
/// the next; shards of the tail benchmark then hedged anywhere from 18 to 40 ms. Out of 1024 it
/// is the 16th largest: 20–28 ms, and a p99.9 about 10% lower.
public struct LatencyWindow: Sendable, Equatable {
    public static let defaultCapacity = 1024
    /// Below this a p95 would be one sample's whim: `percentile` answers nil.
    public static let defaultMinimumSamples = 20
    public static let defaultRefreshInterval = 32

    public let capacity: Int
    public let minimumSamples: Int
    public let refreshInterval: Int

    /// Oldest first until full; then a ring whose oldest entry is at `nextSlot`.
    private var samples: [Int64] = []
    private var nextSlot = 0
    private var sortedCache: [Int64] = []
    private var recordsSinceSort = 0

    /// Out-of-range settings are pulled into range (capacity ≥ 1, 1 ≤ minimumSamples ≤ capacity,
    /// refreshInterval ≥ 1) rather than trapping.
    public init(capacity: Int = LatencyWindow.defaultCapacity,
                minimumSamples: Int = LatencyWindow.defaultMinimumSamples,
                refreshInterval: Int = LatencyWindow.defaultRefreshInterval) {
        self.capacity = max(1, capacity)
        self.minimumSamples = min(max(1, minimumSamples), self.capacity)
        self.refreshInterval = max(1, refreshInterval)
        samples.reserveCapacity(self.capacity)
    }

    /// Samples currently in the window (at most `capacity`).
    public var count: Int { samples.count }

    /// Records one latency in nanoseconds; a negative value (a clock oddity) counts as 0.
    public mutating func record(_ latency: Int64) {
        let value = max(0, latency)
        if samples.count < capacity {
            samples.append(value)
        } else {
            samples[nextSlot] = value
        }
        nextSlot = (nextSlot + 1) % capacity
        recordsSinceSort = min(recordsSinceSort + 1, refreshInterval)
    }

    /// The nearest-rank percentile: the smallest sample with at least `p`% of the window at or
    /// below it (rank ⌈p/100 · n⌉). `p` is in percent (95 for p95); p ≤ 0 gives the minimum,
    /// p ≥ 100 the maximum. nil below `minimumSamples` samples or for a NaN `p`.
    public mutating func percentile(_ p: Double) -> Int64? {
        guard samples.count >= minimumSamples, !p.isNaN else { return nil }
        if sortedCache.isEmpty || recordsSinceSort >= refreshInterval {
            sortedCache = samples.sorted()
            recordsSinceSort = 0
        }
        return Self.nearestRank(p, in: sortedCache)
    }

    static func nearestRank(_ p: Double, in sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let percent = min(max(p, 0), 100)
        // p · n first, then / 100: whole percents of whole counts stay exact (95 · 20 / 100 = 19).
        let exactRank = (percent * Double(sorted.count) / 100).rounded(.up)
        let rank = min(max(Int(exactRank), 1), sorted.count)
        return sorted[rank - 1]
    }
}
