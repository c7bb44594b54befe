/// `object`: deep-merges the upstreams' objects in route order (see `DeepMerge`: objects merge
/// recursively, later upstreams win on conflicts, arrays are replaced unless `append`).
///
/// An upstream's value is its body at `items` (the whole body when unset). Without a group it
/// must be an object to take part — anything else contributes nothing. With `group: NAME` the
/// value, whatever its type, goes under the key NAME instead (so an upstream answering a list
/// can still be placed); upstreams sharing a group merge under that key the same way.
/// `data` is `null` when nothing contributed; `counts` is 1 per contributing upstream, else 0.
/// A value only one upstream sent is written as that upstream's bytes.
public struct ObjectMerge: MergeStage {
    public var items: JSONPointer?
    public var append: Bool
    public var summary: [SummarySpec]

    public init(items: JSONPointer? = nil, append: Bool = false, summary: [SummarySpec] = []) {
        self.items = items
        self.append = append
        self.summary = summary
    }

    public init(_ spec: MergeSpec) {
        self.init(items: spec.items, append: spec.append, summary: spec.summary)
    }

    public func merge(_ contributions: [UpstreamContribution]) -> MergeOutput {
        let deep = DeepMerge(contributions: contributions, appendArrays: append)
        var counts: [Int] = []
        counts.reserveCapacity(contributions.count)
        var taking: [(contribution: Int, value: Int)] = []
        for (index, contribution) in contributions.enumerated() {
            guard let value = contribution.wholeValue(stagePointer: items),
                  contribution.group != nil || contribution.body.kind(value) == .object else {
                counts.append(0)
                continue
            }
            counts.append(1)
            taking.append((index, value))
        }
        let summary = SummaryReduction.reduce(summary, over: contributions)
        guard !taking.isEmpty else { return MergeOutput(data: .null, counts: counts, summary: summary, contributions: contributions) }
        if taking.count == 1, contributions[taking[0].contribution].group == nil {
            // Nothing to merge with: the object goes out as sent.
            return MergeOutput(data: .upstream(contribution: taking[0].contribution, position: taking[0].value),
                               counts: counts, summary: summary, contributions: contributions)
        }
        var node = MergedValue.ObjectNode()
        for (index, value) in taking {
            guard let group = contributions[index].group else {
                deep.mergeMembers(into: &node, index, value)
                continue
            }
            var name = group
            if let position = name.withUTF8({ node.member(named: UnsafeRawBufferPointer($0), in: contributions) }) {
                let current = node.members[position].value
                node.members[position].value = .null
                node.members[position].value = deep.merge(current, index, value)
            } else {
                node.members.append((.name(group), .upstream(contribution: index, position: value)))
                node.touched.append(node.passes)
            }
        }
        return MergeOutput(data: .object(node), counts: counts, summary: summary, contributions: contributions)
    }
}
