/// Which upstreams (contribution indexes) sent each merged item, as bit sets side by side in
/// one array for the whole merge: an item names its set by offset, so items stay plain values
/// (nothing to retain when they are copied or sorted) and no item allocates. One word per item
/// up to 64 upstreams, more for wider (sharded) routes.
struct SourceSets: Sendable {
    private var words: [UInt64] = []
    private let wordsPerSet: Int

    init(upstreams: Int, capacity: Int) {
        wordsPerSet = max(1, (upstreams + 63) / 64)
        words.reserveCapacity(capacity * wordsPerSet)
    }

    static let empty = SourceSets(upstreams: 0, capacity: 0)

    /// A new set holding `first`; returns its offset.
    mutating func make(_ first: Int) -> Int {
        let offset = words.count
        if wordsPerSet == 1 {
            // Up to 64 upstreams, every route but a sharded one: one word, no generic append.
            words.append(1 << UInt64(first))
            return offset
        }
        words.append(contentsOf: repeatElement(0, count: wordsPerSet))
        insert(first, into: offset)
        return offset
    }

    mutating func insert(_ upstream: Int, into offset: Int) {
        words[offset + upstream / 64] |= 1 << UInt64(upstream % 64)
    }

    /// Calls `body` with each member of the set at `offset`, ascending (route order).
    func forEach(_ offset: Int, _ body: (Int) -> Void) {
        for word in 0..<wordsPerSet {
            var bits = words[offset + word]
            while bits != 0 {
                body(word * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    /// The only member of the set at `offset`, when it has exactly one.
    func single(_ offset: Int) -> Int? {
        var found: Int?
        for word in 0..<wordsPerSet {
            let bits = words[offset + word]
            guard bits != 0 else { continue }
            guard found == nil, bits & (bits - 1) == 0 else { return nil }
            found = word * 64 + bits.trailingZeroBitCount
        }
        return found
    }

}
