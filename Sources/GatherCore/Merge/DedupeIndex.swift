/// The position of the first item seen for each dedupe key, for one merge. Keys are bytes in
/// one arena and the table is open addressing over positions, so a merge allocates a few
/// buffers up front whatever its number of items; looking a key up and recording it when new
/// is one hash.
struct DedupeIndex {
    private var arena: [UInt8] = []
    /// Per recorded key: where its bytes are in `arena`, its hash, and the caller's position.
    private var keys: [(start: Int, end: Int, hash: UInt64, position: Int)] = []
    /// Indexes into `keys`, -1 for empty; the count is a power of two.
    private var slots: [Int]

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        keys.reserveCapacity(capacity)
        arena.reserveCapacity(capacity * 48)
    }

    /// The position recorded earlier for the key of `value`, or nil after recording `next` for
    /// it; `hasKey` is false (and nothing is recorded) when the value has no key.
    mutating func earlierPosition(of document: JSONDocument, _ value: Int, normalize: DedupeSpec.Normalize,
                                  recordingIfNew next: Int) -> (hasKey: Bool, earlier: Int?) {
        let start = arena.count
        guard DedupeKey.write(document, value, normalize: normalize, into: &arena) else { return (false, nil) }
        let end = arena.count
        let hash = arena.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let candidate = keys[slots[slot]]
            if candidate.hash == hash && equal(candidate.start..<candidate.end, start..<end) {
                arena.removeSubrange(start..<end)
                return (true, candidate.position)
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = keys.count
        keys.append((start, end, hash, next))
        if keys.count * 2 > slots.count { grow() }
        return (true, nil)
    }

    private func equal(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
        guard left.count == right.count else { return false }
        return arena.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < left.count {
                if bytes[left.lowerBound + offset] != bytes[right.lowerBound + offset] { return false }
                offset += 1
            }
            return true
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = index
        }
    }

    /// A word-at-a-time multiply-rotate hash with a per-process seed, so upstream-chosen keys
    /// cannot be lined up into one probe chain ahead of time.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state = seed ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            state = mix(state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        state = mix(state ^ tail)
        return state ^ (state >> 29)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* 0x9E37_79B9_7F4A_7C15
        return (product ^ (product >> 32)) &* 0xD6E8_FEB8_6659_FD93
    }

    private static let seed = UInt64.random(in: .min ... .max)
}
