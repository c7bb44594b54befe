/// The JSON answer of every mode but `first` (contract: "Response").
public struct Envelope: Sendable {
    public var payload: Payload
    /// Route order.
    public var upstreams: [UpstreamReport]
    /// One entry per `summary:` spec; nil when the route has none (the key is then left out).
    public var summary: [(name: String, value: SummaryValue)]?
    /// `vote` mode only.
    public var votes: (agree: Int, of: Int)?
    /// The documents `payload` and `summary` point into.
    public var contributions: [UpstreamContribution]

    public init(payload: Payload, upstreams: [UpstreamReport], contributions: [UpstreamContribution] = [],
                summary: [(name: String, value: SummaryValue)]? = nil, votes: (agree: Int, of: Int)? = nil) {
        self.payload = payload
        self.upstreams = upstreams
        self.contributions = contributions
        self.summary = summary
        self.votes = votes
    }

    /// The envelope of a merge's output.
    public init(_ output: MergeOutput, mergesItems: Bool, upstreams: [UpstreamReport]) {
        self.init(payload: mergesItems ? .items(output.items ?? .empty) : .data(output.data ?? .null),
                  upstreams: upstreams, contributions: output.contributions, summary: output.summary,
                  votes: output.votes)
    }

    /// True iff an upstream ended in a state that makes the answer partial (`cancelled` does not).
    public var partial: Bool {
        upstreams.contains { $0.status.makesPartial }
    }

    /// True iff an upstream's slot was filled from a stale cache entry.
    public var stale: Bool {
        upstreams.contains { $0.cache == .stale }
    }

    /// The merged result an envelope carries: a list (`items`, list modes) or one value (`data`,
    /// `object` and `vote`; written even when it is `null`).
    public enum Payload: Sendable {
        case items(MergedList)
        case data(MergedValue)
    }
}
