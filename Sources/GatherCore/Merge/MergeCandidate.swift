/// One item on its way through a list merge, remembering which upstream (route index) sent it.
struct MergeCandidate {
    var item: JSONValue
    var upstream: Int

    /// Every contribution's items, upstreams in route order and each one's own order kept.
    static func inRouteOrder(_ contributions: [UpstreamContribution]) -> [MergeCandidate] {
        var candidates: [MergeCandidate] = []
        candidates.reserveCapacity(contributions.reduce(0) { $0 + $1.items.count })
        for (upstream, contribution) in contributions.enumerated() {
            for item in contribution.items {
                candidates.append(MergeCandidate(item: item, upstream: upstream))
            }
        }
        return candidates
    }
}
