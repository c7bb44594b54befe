/// Keeps the first item for each dedupe key, in the order the candidates arrive (route order
/// for concat, sorted order for sort), and collects every upstream that had the key.
enum ListDeduplication {
    /// `candidates` are `MergeCandidate.inRouteOrder(contributions)`, possibly reordered.
    static func merge(_ candidates: [MergeCandidate], dedupe: DedupeSpec?,
                      contributions: [UpstreamContribution]) -> (items: [MergedItem], sources: SourceSets) {
        var sources = SourceSets(upstreams: contributions.count, capacity: candidates.count)
        var kept: [MergedItem] = []
        kept.reserveCapacity(candidates.count)
        guard let dedupe else {
            for candidate in candidates { kept.append(MergedItem(candidate, sources: &sources)) }
            return (kept, sources)
        }
        let keys = KeyColumn(contributions, dedupe: dedupe, count: candidates.count)
        var table = ByteKeyTable(capacity: candidates.count, averageKeyLength: 48)
        keys.arena.withUnsafeBytes { arena in
            for candidate in candidates {
                let range = keys.ranges[candidate.ordinal]
                guard range.lowerBound >= 0 else {
                    kept.append(MergedItem(candidate, sources: &sources))
                    continue
                }
                let key = UnsafeRawBufferPointer(rebasing: arena[range])
                if let position = table.position(of: key, recordingIfNew: kept.count) {
                    sources.insert(candidate.contribution, into: kept[position].sources)
                } else {
                    kept.append(MergedItem(candidate, sources: &sources))
                }
            }
        }
        return (kept, sources)
    }

    /// Every candidate's dedupe key, computed in route order (one document at a time) into one
    /// arena; a candidate without a key has a negative range.
    private struct KeyColumn {
        var arena: [UInt8] = []
        var ranges: [Range<Int>] = []

        init(_ contributions: [UpstreamContribution], dedupe: DedupeSpec, count: Int) {
            arena.reserveCapacity(count * 48)
            ranges.reserveCapacity(count)
            let pointer = dedupe.key
            let normalize = dedupe.normalize
            for contribution in contributions {
                let document = contribution.itemsDocument
                for item in contribution.items {
                    let start = arena.count
                    if let key = document.resolve(pointer, from: item),
                       DedupeKey.write(document, key, normalize: normalize, into: &arena) {
                        ranges.append(start..<arena.count)
                    } else {
                        ranges.append(-1 ..< -1)
                    }
                }
            }
        }
    }
}
