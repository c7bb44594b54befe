/// The upstreams (route indexes) that sent an item, as bits: the first 64 inline, so the
/// usual item, held by one to a few upstreams, costs no allocation; wider (sharded) routes
/// spill into words allocated only for items seen beyond upstream 63.
struct SourceSet: Sendable {
    private var low: UInt64 = 0
    private var high: [UInt64] = []

    init(_ upstream: Int) {
        insert(upstream)
    }

    mutating func insert(_ upstream: Int) {
        if upstream < 64 {
            low |= 1 << UInt64(upstream)
            return
        }
        let word = upstream / 64 - 1
        if high.count <= word { high.append(contentsOf: repeatElement(0, count: word + 1 - high.count)) }
        high[word] |= 1 << UInt64(upstream % 64)
    }

    var count: Int {
        high.reduce(low.nonzeroBitCount) { $0 + $1.nonzeroBitCount }
    }

    /// The lowest member.
    var first: Int {
        if low != 0 { return low.trailingZeroBitCount }
        for (word, bits) in high.enumerated() where bits != 0 { return (word + 1) * 64 + bits.trailingZeroBitCount }
        return 0
    }

    /// Calls `body` with each member, ascending (route order).
    func forEach(_ body: (Int) -> Void) {
        var bits = low
        while bits != 0 {
            body(bits.trailingZeroBitCount)
            bits &= bits - 1
        }
        for (word, wordBits) in high.enumerated() {
            var bits = wordBits
            while bits != 0 {
                body((word + 1) * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    var members: [Int] {
        var result: [Int] = []
        forEach { result.append($0) }
        return result
    }
}
