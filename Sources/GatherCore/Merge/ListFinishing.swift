/// The last step every list merge shares: `limit`, so that only the items that remain are
/// stamped with `_score` / `_sources` when the answer is written.
enum ListFinishing {
    static func finish(_ merged: (items: [MergedItem], sources: SourceSets), limit: Int?, provenance: Bool,
                       contributions: [UpstreamContribution]) -> MergedList {
        var kept = merged.items
        if let limit, kept.count > max(0, limit) { kept.removeLast(kept.count - max(0, limit)) }
        return MergedList(entries: kept, sources: merged.sources, provenance: provenance, contributions: contributions)
    }
}
