/// One item on its way through a list merge: which contribution sent it, and where it is.
struct MergeCandidate: Sendable {
    var contribution: Int
    var item: Int
    /// Its place in route order (contributions in order, each one's items in order).
    var ordinal: Int = 0

    /// Every contribution's items, upstreams in route order and each one's own order kept.
    static func inRouteOrder(_ contributions: [UpstreamContribution]) -> [MergeCandidate] {
        var candidates: [MergeCandidate] = []
        candidates.reserveCapacity(contributions.reduce(0) { $0 + $1.items.count })
        for (index, contribution) in contributions.enumerated() {
            for item in contribution.items {
                candidates.append(MergeCandidate(contribution: index, item: item, ordinal: candidates.count))
            }
        }
        return candidates
    }
}
