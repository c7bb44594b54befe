/// The merged answer: `items` for list modes, `data` for whole-value modes.
public struct MergeOutput: Sendable {
    public var items: [JSONValue]?
    public var data: JSONValue?
    /// Items each contribution brought before dedupe, in contribution order (`count` in the
    /// envelope).
    public var counts: [Int]
    /// One entry per `summary:` spec, in spec order; nil when the route has no summary.
    public var summary: [(name: String, value: JSONValue)]?
    /// `vote` mode only: how many upstreams returned the leading value, out of the route's
    /// upstreams (the envelope's `votes`).
    public var votes: (agree: Int, of: Int)?

    public init(items: [JSONValue]? = nil, data: JSONValue? = nil, counts: [Int],
                summary: [(name: String, value: JSONValue)]? = nil, votes: (agree: Int, of: Int)? = nil) {
        self.items = items
        self.data = data
        self.counts = counts
        self.summary = summary
        self.votes = votes
    }
}
