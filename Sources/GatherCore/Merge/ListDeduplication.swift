/// Keeps the first item for each dedupe key, in the order the candidates arrive (route order
/// for concat, sorted order for sort), and collects every upstream that had the key.
enum ListDeduplication {
    static func merge(_ candidates: [MergeCandidate], dedupe: DedupeSpec?) -> [MergedItem] {
        guard let dedupe else {
            return candidates.map { MergedItem(item: $0.item, source: $0.upstream) }
        }
        var kept: [MergedItem] = []
        kept.reserveCapacity(candidates.count)
        var index = DedupeIndex(capacity: candidates.count)
        for candidate in candidates {
            guard let key = DedupeKey(of: candidate.item, spec: dedupe) else {
                kept.append(MergedItem(item: candidate.item, source: candidate.upstream))
                continue
            }
            if let position = index.earlierPosition(of: key, recordingIfNew: kept.count) {
                kept[position].addSource(candidate.upstream)
            } else {
                kept.append(MergedItem(item: candidate.item, source: candidate.upstream))
            }
        }
        return kept
    }
}
