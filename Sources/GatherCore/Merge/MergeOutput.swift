/// The merged answer: `items` for list modes, `data` for whole-value modes. Both point into the
/// contributions' documents and are written by copying their bytes.
public struct MergeOutput: Sendable {
    public var items: MergedList?
    public var data: MergedValue?
    /// Items each contribution brought before dedupe, in contribution order (`count` in the
    /// envelope).
    public var counts: [Int]
    /// One entry per `summary:` spec, in spec order; nil when the route has no summary.
    public var summary: [(name: String, value: SummaryValue)]?
    /// `vote` mode only: how many upstreams returned the leading value, out of the route's
    /// upstreams (the envelope's `votes`).
    public var votes: (agree: Int, of: Int)?
    /// The documents `items`, `data` and `summary` point into: the stage's input.
    public var contributions: [UpstreamContribution]

    public init(items: MergedList? = nil, data: MergedValue? = nil, counts: [Int],
                summary: [(name: String, value: SummaryValue)]? = nil, votes: (agree: Int, of: Int)? = nil,
                contributions: [UpstreamContribution]) {
        self.contributions = contributions
        self.items = items
        self.data = data
        self.counts = counts
        self.summary = summary
        self.votes = votes
    }
}
