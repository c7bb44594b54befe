/// An upstream's `cache:` block: how long an answer is fresh (`ttl`), how long after that it
/// may still fill the slot of a failed or late upstream (`stale`), and the bytes its entries
/// may hold (`max_size`).
public struct CacheSpec: Sendable, Equatable {
    public var ttl: Duration
    public var stale: Duration
    public var maxSize: Int

    public static let defaultMaxSize = 64 << 20

    public init(ttl: Duration, stale: Duration = .zero, maxSize: Int = CacheSpec.defaultMaxSize) {
        self.ttl = ttl
        self.stale = stale
        self.maxSize = maxSize
    }

    /// An answer larger than this share of `max_size` is not stored: one huge answer must not
    /// flush a cache of many small hot ones.
    public var largestEntry: Int { maxSize / 10 }
}
