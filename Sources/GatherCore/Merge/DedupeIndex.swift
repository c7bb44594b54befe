/// The position of the first item seen for each dedupe key, for one merge: the key of each
/// value is written into a reused scratch buffer (`DedupeKey`) and looked up in a
/// `ByteKeyTable`, one hash per item and no allocation per item.
struct DedupeIndex {
    private var table: ByteKeyTable
    private var scratch: [UInt8] = []

    init(capacity: Int) {
        table = ByteKeyTable(capacity: capacity, averageKeyLength: 48)
        scratch.reserveCapacity(256)
    }

    /// The position recorded earlier for the key of `value`, or nil after recording `next` for
    /// it; `hasKey` is false (and nothing is recorded) when the value has no key.
    mutating func earlierPosition(of document: JSONDocument, _ value: Int, normalize: DedupeSpec.Normalize,
                                  recordingIfNew next: Int) -> (hasKey: Bool, earlier: Int?) {
        scratch.removeAll(keepingCapacity: true)
        guard DedupeKey.write(document, value, normalize: normalize, into: &scratch) else { return (false, nil) }
        let earlier = scratch.withUnsafeBytes { table.position(of: $0, recordingIfNew: next) }
        return (true, earlier)
    }
}
