/// `vote`, for the final answer: the value most upstreams returned (compared by
/// `CanonicalJSON`), in `data` only when at least `needed` agree, else `null`.
///
/// An upstream's vote is its body at `items` (the whole body when unset); an upstream where the
/// pointer is missing casts none. A tie for the most votes goes to the value that appeared
/// first in route order, and the value shown is that first appearance. `votes` reports the
/// leading value's count (even when short of `needed`, so the client sees how close it came)
/// out of `upstreamCount` — every upstream of the route, not only those that answered.
/// `counts` is 1 per voting upstream, else 0.
public struct VoteMerge: MergeStage {
    public var items: JSONPointer?
    public var upstreamCount: Int
    public var needed: Int
    public var summary: [SummarySpec]

    public init(items: JSONPointer? = nil, upstreamCount: Int, needed: Int, summary: [SummarySpec] = []) {
        self.items = items
        self.upstreamCount = upstreamCount
        self.needed = needed
        self.summary = summary
    }

    public init(spec: MergeSpec, upstreamCount: Int, needed: Int) {
        self.init(items: spec.items, upstreamCount: upstreamCount, needed: needed, summary: spec.summary)
    }

    public func merge(_ contributions: [UpstreamContribution]) -> MergeOutput {
        var firsts: [(contribution: Int, position: Int)] = []
        var votes: [Int] = []
        var groups = VoteGroups()
        var counts: [Int] = []
        counts.reserveCapacity(contributions.count)
        for (index, contribution) in contributions.enumerated() {
            guard let found = contribution.wholeValue(stagePointer: items) else {
                counts.append(0)
                continue
            }
            counts.append(1)
            let (group, isNew) = groups.group(of: contribution.body, found)
            if isNew {
                firsts.append((index, found))
                votes.append(1)
            } else {
                votes[group] += 1
            }
        }
        // The first group with the highest count: ties go to the earliest value in route order.
        var leader: Int?
        for group in votes.indices where leader.map({ votes[group] > votes[$0] }) ?? true {
            leader = group
        }
        let agree = leader.map { votes[$0] } ?? 0
        let data: MergedValue = leader.flatMap { agree >= max(1, needed) ? firsts[$0] : nil }
            .map { .upstream(contribution: $0.contribution, position: $0.position) } ?? .null
        return MergeOutput(data: data, counts: counts,
                           summary: SummaryReduction.reduce(summary, over: contributions),
                           votes: (agree: agree, of: max(upstreamCount, contributions.count)), contributions: contributions)
    }
}
