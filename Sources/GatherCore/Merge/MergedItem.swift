/// An item that survived dedupe: where its bytes are (the contribution that sent it first, and
/// its position there), every upstream that sent an item with the same key, and its fused
/// score.
struct MergedItem: Sendable {
    /// Index into the merge's contributions.
    var contribution: Int
    /// Position in that contribution's `itemsDocument`.
    var item: Int
    var sources: SourceSet
    var score: Double?

    init(_ candidate: MergeCandidate, score: Double? = nil) {
        self.contribution = candidate.contribution
        self.item = candidate.item
        self.sources = SourceSet(candidate.contribution)
        self.score = score
    }

    mutating func addSource(_ contribution: Int) {
        sources.insert(contribution)
    }
}
