/// Builds the merge stage a route's `merge:` block asks for.
public enum MergeStages {
    /// The stage for `spec.mode`; nil for `vote`, which needs the route's upstream count and
    /// quorum — use `make(_:upstreamCount:quorum:)`.
    public static func make(_ spec: MergeSpec) -> (any MergeStage)? {
        switch spec.mode {
        case .concat: return ConcatMerge(spec)
        case .sort: return SortMerge(spec)
        case .fuse: return FuseMerge(spec)
        case .object: return ObjectMerge(spec)
        case .vote: return nil
        }
    }

    /// The stage for any mode. `upstreamCount` is the route's upstreams after `shards:`
    /// expansion; `quorum` the resolved `quorum:` (nil: a strict majority of the upstreams).
    public static func make(_ spec: MergeSpec, upstreamCount: Int, quorum: Int?) -> (any MergeStage)? {
        guard spec.mode == .vote else { return make(spec) }
        return VoteMerge(spec: spec, upstreamCount: upstreamCount,
                         needed: quorum ?? VoteTally.majority(of: upstreamCount))
    }
}
