/// `concat`: upstreams in route order, each one's own order kept; `dedupe` keeps the first.
public struct ConcatMerge: MergeStage {
    public var dedupe: DedupeSpec?
    public var limit: Int?
    public var provenance: Bool
    public var summary: [SummarySpec]

    public init(dedupe: DedupeSpec? = nil, limit: Int? = nil, provenance: Bool = true, summary: [SummarySpec] = []) {
        self.dedupe = dedupe
        self.limit = limit
        self.provenance = provenance
        self.summary = summary
    }

    public init(_ spec: MergeSpec) {
        self.init(dedupe: spec.dedupe, limit: spec.limit, provenance: spec.provenance, summary: spec.summary)
    }

    public func merge(_ contributions: [UpstreamContribution]) -> MergeOutput {
        let merged = ListDeduplication.merge(MergeCandidate.inRouteOrder(contributions), dedupe: dedupe,
                                               contributions: contributions)
        let items = ListFinishing.finish(merged, limit: limit, provenance: provenance, contributions: contributions)
        return MergeOutput(items: items, counts: contributions.map(\.items.count),
                           summary: SummaryReduction.reduce(summary, over: contributions), contributions: contributions)
    }
}
