/// Keeps the first item for each dedupe key, in the order the candidates arrive (route order
/// for concat, sorted order for sort), and collects every upstream that had the key.
enum ListDeduplication {
    static func merge(_ candidates: [MergeCandidate], dedupe: DedupeSpec?,
                      contributions: [UpstreamContribution]) -> [MergedItem] {
        var kept: [MergedItem] = []
        kept.reserveCapacity(candidates.count)
        guard let dedupe else {
            for candidate in candidates { kept.append(MergedItem(candidate)) }
            return kept
        }
        var index = DedupeIndex(capacity: candidates.count)
        for candidate in candidates {
            let document = contributions[candidate.contribution].itemsDocument
            guard let key = document.resolve(dedupe.key, from: candidate.item) else {
                kept.append(MergedItem(candidate))
                continue
            }
            let found = index.earlierPosition(of: document, key, normalize: dedupe.normalize, recordingIfNew: kept.count)
            if let position = found.earlier {
                kept[position].addSource(candidate.contribution)
            } else {
                kept.append(MergedItem(candidate))
            }
        }
        return kept
    }
}
