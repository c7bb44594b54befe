/// The position of the first item seen for each dedupe key. Looking a key up and recording it
/// when new is one hash of the key, not two: dedupe keys are whole (normalised) URLs, and
/// hashing them was a visible part of every list merge.
struct DedupeIndex {
    private var positions: [DedupeKey: Int] = [:]

    init(capacity: Int) {
        positions.reserveCapacity(capacity)
    }

    /// The position recorded for `key` earlier, or nil after recording `next` for it. `next`
    /// must differ from every position recorded so far (callers pass their list's count).
    mutating func earlierPosition(of key: DedupeKey, recordingIfNew next: Int) -> Int? {
        // The defaulted subscript's modify accessor finds or inserts in one probe.
        let found = Self.read(&positions[key, default: next])
        return found == next ? nil : found
    }

    private static func read(_ slot: inout Int) -> Int {
        slot
    }
}
