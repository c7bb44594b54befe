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
        var values: [JSONValue] = []
        var votes: [Int] = []
        var indexByCanonical: [[UInt8]: Int] = [:]
        var counts: [Int] = []
        counts.reserveCapacity(contributions.count)
        for contribution in contributions {
            let found = contribution.value ?? (items.map { $0.resolve(in: contribution.body) } ?? contribution.body)
            guard let found else {
                counts.append(0)
                continue
            }
            counts.append(1)
            let canonical = CanonicalJSON.bytes(found)
            if let index = indexByCanonical[canonical] {
                votes[index] += 1
            } else {
                indexByCanonical[canonical] = values.count
                values.append(found)
                votes.append(1)
            }
        }
        // The first index with the highest count: ties go to the earliest value in route order.
        var leader: Int?
        for index in votes.indices where leader.map({ votes[index] > votes[$0] }) ?? true {
            leader = index
        }
        let agree = leader.map { votes[$0] } ?? 0
        let data = leader.flatMap { agree >= max(1, needed) ? values[$0] : nil } ?? .null
        return MergeOutput(data: data, counts: counts,
                           summary: SummaryReduction.reduce(summary, over: contributions),
                           votes: (agree: agree, of: max(upstreamCount, contributions.count)))
    }
}
