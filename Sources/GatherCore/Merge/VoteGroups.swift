/// Groups vote values that are the same answer: byte-identical values first (replicas that
/// serialise alike cost one hash of their bytes), then by `CanonicalJSON`, computed only for a
/// spelling not seen before.
struct VoteGroups: Sendable {
    private var bySpelling = ByteKeyTable(capacity: 8, averageKeyLength: 256)
    private var byCanonical = ByteKeyTable(capacity: 8, averageKeyLength: 256)
    private(set) var count = 0

    /// The group of the value at `position` of `document`, and whether it is new.
    mutating func group(of document: JSONDocument, _ position: Int) -> (group: Int, isNew: Bool) {
        // Whitespace between tokens does not make a new spelling.
        var spelling = JSONWriter(reservingCapacity: document.range(position).count)
        spelling.write(document, position)
        if let known = spelling.buffer.withUnsafeReadableBytes({ bySpelling.position(of: $0) }) {
            return (known, false)
        }
        let canonical = CanonicalJSON.bytes(document, position)
        let group = canonical.withUnsafeBytes { byCanonical.position(of: $0, recordingIfNew: count) } ?? count
        _ = spelling.buffer.withUnsafeReadableBytes { bySpelling.position(of: $0, recordingIfNew: group) }
        if group == count {
            count += 1
            return (group, true)
        }
        return (group, false)
    }
}
