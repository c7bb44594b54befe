/// `object`: deep-merges the upstreams' objects in route order (see `DeepMerge`: objects merge
/// recursively, later upstreams win on conflicts, arrays are replaced unless `append`).
///
/// An upstream's value is its body at `items` (the whole body when unset). Without a group it
/// must be an object to take part — anything else contributes nothing. With `group: NAME` the
/// value, whatever its type, goes under the key NAME instead (so an upstream answering a list
/// can still be placed); upstreams sharing a group merge under that key the same way.
/// `data` is `null` when nothing contributed; `counts` is 1 per contributing upstream, else 0.
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
        var merged: ObjectAccumulator?
        var counts: [Int] = []
        counts.reserveCapacity(contributions.count)
        for contribution in contributions {
            guard let object = value(of: contribution) else {
                counts.append(0)
                continue
            }
            if merged == nil { merged = ObjectAccumulator(appendArrays: append) }
            merged!.merge(object)
            counts.append(1)
        }
        return MergeOutput(data: merged.map { .object($0.object) } ?? .null, counts: counts,
                           summary: SummaryReduction.reduce(summary, over: contributions))
    }

    /// What `contribution` merges at the top level, or nil when it contributes nothing.
    private func value(of contribution: UpstreamContribution) -> JSONObject? {
        let found = contribution.value ?? (items.map { $0.resolve(in: contribution.body) } ?? contribution.body)
        guard let found else { return nil }
        if let group = contribution.group {
            return JSONObject([(key: group, value: found)])
        }
        return found.objectValue
    }
}
