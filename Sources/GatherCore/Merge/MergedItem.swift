/// An item that survived dedupe: where its bytes are (the contribution that sent it first, and
/// its position there), where its set of sources is (in the merge's `SourceSets`), and its
/// fused score. A plain value: copying or sorting items retains nothing.
struct MergedItem: Sendable {
    /// Index into the merge's contributions.
    var contribution: Int
    /// Position in that contribution's `itemsDocument`.
    var item: Int
    /// Offset of its set in the merge's `SourceSets`.
    var sources: Int
    var score: Double?

    init(_ candidate: MergeCandidate, sources sets: inout SourceSets) {
        self.contribution = candidate.contribution
        self.item = candidate.item
        self.sources = sets.make(candidate.contribution)
        self.score = nil
    }
}
