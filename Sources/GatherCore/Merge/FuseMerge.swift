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
        let total = contributions.reduce(0) { $0 + $1.items.count }
        var entries: [MergedItem] = []
        var sources = SourceSets(upstreams: contributions.count, capacity: total)
        var sums: [Double] = []
        var bests: [Double] = []
        var listCounts: [Int] = []
        entries.reserveCapacity(total)
        sums.reserveCapacity(total)
        bests.reserveCapacity(total)
        listCounts.reserveCapacity(total)
        var index = DedupeIndex(capacity: total)
        // Per entry, the upstream that last added to it: meeting it again in the same list is
        // that list's own duplicate (the first stays), found without a set per list.
        var touchedBy: [Int] = []
        touchedBy.reserveCapacity(total)
        // One list at a time: the entry each rank lands on, and its raw score.
        var landed: [(position: Int, raw: Double?)] = []

        let keyPointer = dedupe?.key
        let normalize = dedupe?.normalize ?? .none
        let scorePointer = fusion.method == .rrf ? nil : fusion.score
        for (upstream, contribution) in contributions.enumerated() {
            let document = contribution.itemsDocument
            landed.removeAll(keepingCapacity: true)
            for item in contribution.items {
                let identity = keyPointer.map { document.resolve($0, from: item) } ?? item
                let found = identity.map {
                    index.earlierPosition(of: document, $0, normalize: normalize, recordingIfNew: entries.count)
                } ?? (hasKey: false, earlier: nil)
                let position: Int
                if let earlier = found.earlier {
                    if touchedBy[earlier] == upstream { continue }
                    position = earlier
                    sources.insert(upstream, into: entries[position].sources)
                    touchedBy[position] = upstream
                } else {
                    position = entries.count
                    entries.append(MergedItem(MergeCandidate(contribution: upstream, item: item), sources: &sources))
                    sums.append(0)
                    bests.append(-.infinity)
                    listCounts.append(0)
                    touchedBy.append(upstream)
                }
                let raw = scorePointer.flatMap { document.resolve($0, from: item) }.flatMap { document.number($0) }?.doubleValue
                landed.append((position, raw))
            }
            // combsum, combmnz, max: min–max normalised within this list (its own duplicates
            // dropped); rrf: by rank.
            var low = Double.infinity
            var high = -Double.infinity
            for entry in landed {
                if let raw = entry.raw {
                    low = Swift.min(low, raw)
                    high = Swift.max(high, raw)
                }
            }
            for (rank, entry) in landed.enumerated() {
                let score: Double
                if fusion.method == .rrf {
                    score = contribution.weight / (fusion.k + Double(rank + 1))
                } else if let raw = entry.raw {
                    score = contribution.weight * (high == low ? 1.0 : (raw - low) / (high - low))
                } else {
                    score = 0
                }
                sums[entry.position] += score
                bests[entry.position] = Swift.max(bests[entry.position], score)
                listCounts[entry.position] += 1
            }
        }

        var fused: [Double] = []
        fused.reserveCapacity(entries.count)
        for position in entries.indices {
            let value: Double
            switch fusion.method {
            case .rrf, .combsum: value = sums[position]
            case .combmnz: value = sums[position] * Double(listCounts[position])
            case .max: value = bests[position]
            }
            // NaN (only from absurd weights) sorts last instead of breaking the ordering.
            fused.append(value)
            entries[position].score = value
        }
        let order = entries.indices.sorted { left, right in
            let a = fused[left].isNaN ? -Double.infinity : fused[left]
            let b = fused[right].isNaN ? -Double.infinity : fused[right]
            return a != b ? a > b : left < right
        }
        let kept = limit.map { Swift.min(Swift.max(0, $0), order.count) } ?? order.count
        var ranked: [MergedItem] = []
        ranked.reserveCapacity(kept)
        for position in order.prefix(kept) { ranked.append(entries[position]) }
        let items = ListFinishing.finish((ranked, sources), limit: nil, provenance: provenance, contributions: contributions)
        return MergeOutput(items: items, counts: contributions.map(\.items.count),
                           summary: SummaryReduction.reduce(summary, over: contributions), contributions: contributions)
    }
}
