/// Stored upstream answers by `CacheKey`, bounded by bytes, evicted by SIEVE (Zhang et al.,
/// NSDI '24): entries sit in insertion order; a hit only sets the entry's `visited` bit, and
/// eviction moves a hand from the oldest entry towards the newest, clearing bits until it finds
/// an unvisited entry, which goes. Against LRU this keeps one-hit wonders (the long tail of a
/// Zipf query mix) from pushing out the hot queries, and a hit moves nothing, so it is a few
/// stores under the lock instead of unlinking and relinking a node.
///
/// A value type with time passed in (nanoseconds on any monotonic clock); the shell keeps one per
/// upstream under a lock.
public struct ResponseCache<Value: Sendable>: Sendable {
    /// How long an answer may be used, from when it is stored.
    public struct Freshness: Sendable, Equatable {
        /// Fresh for this long after it was stored (≤ 0: only usable as stale).
        public var freshFor: Int64
        /// Usable as stale this long after that.
        public var staleFor: Int64
        /// The upstream's `Age`: the answer was already this old when it arrived.
        public var initialAge: Int64

        public init(freshFor: Int64, staleFor: Int64, initialAge: Int64 = 0) {
            self.freshFor = freshFor
            self.staleFor = staleFor
            self.initialAge = initialAge
        }

        /// The route's `ttl` and `stale` as the upstream's directives allow them (RFC 9111): nil
        /// when the answer must not be stored or would never be usable.
        public init?(spec: CacheSpec, directives: CacheDirectives) {
            guard directives.storable else { return nil }
            let second: Int64 = 1_000_000_000
            var lifetime = spec.ttl.nanoseconds
            if let maxAge = directives.maxAge { lifetime = min(lifetime, maxAge.multipliedReportingOverflow(by: second).partialValue) }
            let age = directives.age.multipliedReportingOverflow(by: second).partialValue
            freshFor = lifetime &- age
            // must-revalidate forbids serving it stale (RFC 9111 §5.2.2.2).
            staleFor = directives.mustRevalidate ? 0 : spec.stale.nanoseconds
            initialAge = age
            guard freshFor &+ staleFor > 0 else { return nil }
        }
    }

    public enum Lookup {
        /// `age`: nanoseconds since the upstream produced it (its `Age` counted).
        case fresh(Value, age: Int64)
        case stale(Value, age: Int64)

        public var value: Value {
            switch self {
            case .fresh(let value, _), .stale(let value, _): return value
            }
        }

        public var age: Int64 {
            switch self {
            case .fresh(_, let age), .stale(_, let age): return age
            }
        }
    }

    private struct Node: Sendable {
        var key: CacheKey
        var value: Value
        var size: Int
        /// When the upstream produced it: stored at minus its `Age`.
        var bornAt: Int64
        var freshUntil: Int64
        var staleUntil: Int64
        var visited = false
        /// Towards the newest (head) and the oldest (tail); -1 at the ends.
        var newer = -1
        var older = -1
    }

    public let capacity: Int
    public private(set) var bytes = 0
    public private(set) var evictions = 0
    public var count: Int { index.count }

    private var nodes: [Node?] = []
    private var free: [Int] = []
    private var index: [CacheKey: Int] = [:]
    private var head = -1
    private var tail = -1
    /// SIEVE's hand: where the next eviction looks first; -1 to start at the oldest.
    private var hand = -1

    /// Bookkeeping per entry beside its value's own bytes: the node, the key's table slot.
    public static var entryOverhead: Int { 128 }

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The largest value (`size` in bytes) `store` accepts: a tenth of the capacity.
    public var largestEntry: Int { capacity / 10 }

    /// The entry for `key` if it is still usable at `now`; an entry past its stale window is
    /// dropped. A use marks it visited for SIEVE.
    public mutating func lookup(_ key: CacheKey, now: Int64) -> Lookup? {
        guard let position = index[key], let node = nodes[position] else { return nil }
        if now >= node.staleUntil {
            remove(position)
            return nil
        }
        nodes[position]!.visited = true
        let age = max(0, now &- node.bornAt)
        return now < node.freshUntil ? .fresh(node.value, age: age) : .stale(node.value, age: age)
    }

    /// Stores `value` (about `size` bytes) under `key`, replacing what was there, evicting until
    /// it fits; false (and nothing stored) when it is larger than `largestEntry`.
    @discardableResult
    public mutating func store(_ key: CacheKey, _ value: Value, size: Int, freshness: Freshness, now: Int64) -> Bool {
        let total = size + key.bytes.count + Self.entryOverhead
        if let existing = index[key] { remove(existing) }
        guard total <= largestEntry else { return false }
        while bytes + total > capacity && tail != -1 { evictOne() }
        let bornAt = now &- freshness.initialAge
        let freshUntil = now &+ freshness.freshFor
        let node = Node(key: key, value: value, size: total, bornAt: bornAt, freshUntil: freshUntil,
                        staleUntil: freshUntil &+ freshness.staleFor, newer: -1, older: head)
        let position: Int
        if let reused = free.popLast() {
            nodes[reused] = node
            position = reused
        } else {
            nodes.append(node)
            position = nodes.count - 1
        }
        if head != -1 { nodes[head]!.newer = position }
        head = position
        if tail == -1 { tail = position }
        index[key] = position
        bytes += total
        return true
    }

    /// Drops `key`'s entry, if any.
    public mutating func remove(_ key: CacheKey) {
        if let position = index[key] { remove(position) }
    }

    public mutating func removeAll() {
        nodes.removeAll()
        free.removeAll()
        index.removeAll()
        head = -1
        tail = -1
        hand = -1
        bytes = 0
    }

    /// Keys from the newest to the oldest (tests and diagnostics).
    public var keysNewestFirst: [CacheKey] {
        var keys: [CacheKey] = []
        var position = head
        while position != -1, let node = nodes[position] {
            keys.append(node.key)
            position = node.older
        }
        return keys
    }

    private mutating func evictOne() {
        var position = hand == -1 ? tail : hand
        while nodes[position]!.visited {
            nodes[position]!.visited = false
            position = nodes[position]!.newer
            if position == -1 { position = tail }
        }
        hand = nodes[position]!.newer
        remove(position)
        evictions += 1
    }

    private mutating func remove(_ position: Int) {
        guard let node = nodes[position] else { return }
        if hand == position { hand = node.newer }
        if node.newer != -1 { nodes[node.newer]!.older = node.older } else { head = node.older }
        if node.older != -1 { nodes[node.older]!.newer = node.newer } else { tail = node.newer }
        index[node.key] = nil
        bytes -= node.size
        nodes[position] = nil
        free.append(position)
    }
}
