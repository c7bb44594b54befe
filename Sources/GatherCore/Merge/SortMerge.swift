/// `sort`: every upstream's items ordered by `sort.by` (see `SortKey`), ties kept in route
/// order then rank; `dedupe` keeps the item that sorts first. Without a `sort:` block (the
/// route loader rejects that) the items stay in route order.
public struct SortMerge: MergeStage {
    public var sort: SortSpec?
    public var dedupe: DedupeSpec?
    public var limit: Int?
    public var provenance: Bool
    public var summary: [SummarySpec]

    public init(sort: SortSpec?, dedupe: DedupeSpec? = nil, limit: Int? = nil, provenance: Bool = true,
                summary: [SummarySpec] = []) {
        self.sort = sort
        self.dedupe = dedupe
        self.limit = limit
        self.provenance = provenance
        self.summary = summary
    }

    public init(_ spec: MergeSpec) {
        self.init(sort: spec.sort, dedupe: spec.dedupe, limit: spec.limit, provenance: spec.provenance,
                  summary: spec.summary)
    }

    public func merge(_ contributions: [UpstreamContribution]) -> MergeOutput {
        var candidates = MergeCandidate.inRouteOrder(contributions)
        if let sort {
            var arena: [UInt8] = []
            // In route order, like the candidates: one document at a time.
            var keys: [SortKey] = []
            keys.reserveCapacity(candidates.count)
            let by = sort.by
            for (index, contribution) in contributions.enumerated() {
                let document = contribution.itemsDocument
                for item in contribution.items {
                    keys.append(SortKey(document, document.resolve(by, from: item), contribution: index, arena: &arena))
                }
            }
            let order = Self.numericOrder(keys, sort.order) ?? {
                let texts = SortTexts(contributions: contributions, arena: arena)
                // Sorting positions with the position as the last tie-break makes the sort stable.
                return candidates.indices.sorted { left, right in
                    let comparison = SortKey.compare(keys[left], keys[right], order: sort.order, texts: texts)
                    return comparison != 0 ? comparison < 0 : left < right
                }
            }()
            candidates = order.map { candidates[$0] }
        }
        let merged = ListDeduplication.merge(candidates, dedupe: dedupe, contributions: contributions)
        let items = ListFinishing.finish(merged, limit: limit, provenance: provenance, contributions: contributions)
        return MergeOutput(items: items, counts: contributions.map(\.items.count),
                           summary: SummaryReduction.reduce(summary, over: contributions), contributions: contributions)
    }

    /// The usual case, prices and scores: every key a number a Double holds exactly (or
    /// missing). Sorting plain (value, position) pairs then gives the same order as
    /// `SortKey.compare` at a fraction of its cost; nil sends anything else the general way.
    private static func numericOrder(_ keys: [SortKey], _ order: SortSpec.Order) -> [Int]? {
        var numbers: [(value: Double, position: Int)] = []
        numbers.reserveCapacity(keys.count)
        var missing: [Int] = []
        for (position, key) in keys.enumerated() {
            switch key {
            case .number(.double(let value)):
                numbers.append((value, position))
            case .number(.int(let value)) where value.magnitude <= 1 << 53:
                numbers.append((Double(value), position))
            case .missing:
                missing.append(position)
            default:
                return nil
            }
        }
        if order == .asc {
            numbers.sort { $0.value != $1.value ? $0.value < $1.value : $0.position < $1.position }
        } else {
            numbers.sort { $0.value != $1.value ? $0.value > $1.value : $0.position < $1.position }
        }
        return numbers.map(\.position) + missing
    }
}
