import Foundation

/// A hash table from byte strings to positions for one merge: keys are copied into one arena
/// and the slots are open addressing over the entries, so a merge allocates a few buffers up
/// front whatever its number of keys, and a lookup that finds its key copies nothing.
struct ByteKeyTable {
    private var arena: [UInt8] = []
    /// Per key: where its bytes are in `arena`, its hash, and the position it maps to.
    private var entries: [(start: Int, end: Int, hash: UInt64, position: Int)] = []
    /// Indexes into `entries`, -1 for empty; the count is a power of two.
    private var slots: [Int]

    init(capacity: Int, averageKeyLength: Int = 32) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        entries.reserveCapacity(capacity)
        arena.reserveCapacity(capacity * averageKeyLength)
    }

    var count: Int { entries.count }

    /// The position recorded for `key`, or nil after recording `next` for it.
    mutating func position(of key: UnsafeRawBufferPointer, recordingIfNew next: Int) -> Int? {
        let hash = Self.hash(key)
        let (slot, found) = probe(key, hash: hash)
        if let found { return found }
        slots[slot] = entries.count
        let start = arena.count
        arena.append(contentsOf: key)
        entries.append((start, arena.count, hash, next))
        if entries.count * 2 > slots.count { grow() }
        return nil
    }

    /// The position recorded for `key`, if any.
    func position(of key: UnsafeRawBufferPointer) -> Int? {
        probe(key, hash: Self.hash(key)).found
    }

    /// The slot holding `key`'s entry (and its position), or the empty slot it would take.
    private func probe(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (slot: Int, found: Int?) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[slots[slot]]
            if entry.hash == hash && matches(entry.start..<entry.end, key) { return (slot, entry.position) }
            slot = (slot + 1) & mask
        }
        return (slot, nil)
    }

    private func matches(_ stored: Range<Int>, _ key: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == key.count else { return false }
        guard let keyBase = key.baseAddress, !key.isEmpty else { return true }
        return arena.withUnsafeBytes { bytes in
            memcmp(bytes.baseAddress! + stored.lowerBound, keyBase, key.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = index
        }
    }

    /// A word-at-a-time multiply-xorshift hash with a per-process seed, so upstream-chosen
    /// keys cannot be lined up into one probe chain ahead of time.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state = seed ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            state = mix(state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        if offset < bytes.count, bytes.count >= 8 {
            // The last 8 bytes in one load (overlapping the last word): the length, mixed in
            // at the start, keeps keys that differ only in the overlap apart.
            tail = bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
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
