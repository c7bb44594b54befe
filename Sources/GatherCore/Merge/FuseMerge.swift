/// `fuse`: rank fusion of the upstreams' lists.
///
/// Item identity is the dedupe key when `dedupe:` is set (items without a key are never
/// fused), else the whole item. Each upstream's list first loses its own duplicates (the first
/// stays); then per item:
/// - `rrf`: Σ weight / (k + rank), rank counted from 1;
/// - `combsum`: Σ weight × s; `combmnz`: that sum × the number of lists holding the item;
///   `max`: the largest weight × s — where s is `fusion.score` min–max normalised within the
///   upstream's list (all 1.0 when min = max). An item without a numeric score gets s = 0, so
///   it ranks as the weakest item of that list rather than being dropped.
/// Items sort by fused score descending, ties by first appearance in route order; the kept
/// item is the first appearance and carries the fused score as `_score`.
public struct FuseMerge: MergeStage {
    public var fusion: FusionSpec
    public var dedupe: DedupeSpec?
    public var limit: Int?
    public var provenance: Bool
    public var summary: [SummarySpec]

    public init(fusion: FusionSpec = FusionSpec(), dedupe: DedupeSpec? = nil, limit: Int? = nil,
                provenance: Bool = true, summary: [SummarySpec] = []) {
        self.fusion = fusion
        self.dedupe = dedupe
        self.limit = limit
        self.provenance = provenance
        self.summary = summary
    }

    public init(_ spec: MergeSpec) {
        self.init(fusion: spec.fusion ?? FusionSpec(), dedupe: spec.dedupe, limit: spec.limit,
                  provenance: spec.provenance, summary: spec.summary)
    }

    public func merge(_ contributions: [UpstreamContribution]) -> MergeOutput {
        var entries: [MergedItem] = []
        var sums: [Double] = []
        var bests: [Double] = []
        var listCounts: [Int] = []
        var index = DedupeIndex(capacity: contributions.reduce(0) { $0 + $1.items.count })

        for (upstream, contribution) in contributions.enumerated() {
            let list = ownList(contribution.items)
            let scores = listScores(list.map(\.item), weight: contribution.weight)
            for (entry, score) in zip(list, scores) {
                let position: Int
                if let key = entry.key, let existing = index.earlierPosition(of: key, recordingIfNew: entries.count) {
                    position = existing
                    entries[position].addSource(upstream)
                } else {
                    position = entries.count
                    entries.append(MergedItem(item: entry.item, source: upstream))
                    sums.append(0)
                    bests.append(-.infinity)
                    listCounts.append(0)
                }
                sums[position] += score
                bests[position] = Swift.max(bests[position], score)
                listCounts[position] += 1
            }
        }

        let fused = entries.indices.map { position -> Double in
            switch fusion.method {
            case .rrf, .combsum: return sums[position]
            case .combmnz: return sums[position] * Double(listCounts[position])
            case .max: return bests[position]
            }
        }
        // NaN (only from absurd weights) sorts last instead of breaking the ordering.
        let sortable = fused.map { $0.isNaN ? -Double.infinity : $0 }
        let order = entries.indices.sorted { left, right in
            sortable[left] != sortable[right] ? sortable[left] > sortable[right] : left < right
        }
        let ranked = order.map { position -> MergedItem in
            var entry = entries[position]
            entry.score = fused[position]
            return entry
        }
        let items = ListFinishing.finish(ranked, limit: limit, provenance: provenance, contributions: contributions)
        return MergeOutput(items: items, counts: contributions.map(\.items.count),
                           summary: SummaryReduction.reduce(summary, over: contributions))
    }

    /// One upstream's items with its own duplicates dropped, each with its identity.
    private func ownList(_ items: [JSONValue]) -> [(item: JSONValue, key: DedupeKey?)] {
        var seen = Set<DedupeKey>()
        var list: [(item: JSONValue, key: DedupeKey?)] = []
        list.reserveCapacity(items.count)
        for item in items {
            let key = dedupe.map { DedupeKey(of: item, spec: $0) } ?? DedupeKey(value: item)
            if let key, !seen.insert(key).inserted { continue }
            list.append((item, key))
        }
        return list
    }

    /// The weighted score each position of one upstream's list adds to its item.
    private func listScores(_ items: [JSONValue], weight: Double) -> [Double] {
        if fusion.method == .rrf {
            return items.indices.map { weight / (fusion.k + Double($0 + 1)) }
        }
        let raw = items.map { item in fusion.score.flatMap { $0.resolve(in: item)?.numberValue } }
        let present = raw.compactMap { $0 }
        guard let low = present.min(), let high = present.max() else {
            return raw.map { _ in 0 }
        }
        return raw.map { value in
            guard let value else { return 0 }
            return weight * (high == low ? 1.0 : (value - low) / (high - low))
        }
    }
}
