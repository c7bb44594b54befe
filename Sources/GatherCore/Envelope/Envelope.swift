/// The JSON answer of every mode but `first` (contract: "Response").
public struct Envelope: Sendable {
    public var payload: EnvelopePayload
    /// Route order.
    public var upstreams: [UpstreamReport]
    /// One entry per `summary:` spec; nil when the route has none (the key is then left out).
    public var summary: [(name: String, value: JSONValue)]?
    /// `vote` mode only.
    public var votes: (agree: Int, of: Int)?

    public init(payload: EnvelopePayload, upstreams: [UpstreamReport],
                summary: [(name: String, value: JSONValue)]? = nil, votes: (agree: Int, of: Int)? = nil) {
        self.payload = payload
        self.upstreams = upstreams
        self.summary = summary
        self.votes = votes
    }

    public init(items: [JSONValue], upstreams: [UpstreamReport],
                summary: [(name: String, value: JSONValue)]? = nil) {
        self.init(payload: .items(items), upstreams: upstreams, summary: summary)
    }

    public init(data: JSONValue, upstreams: [UpstreamReport],
                summary: [(name: String, value: JSONValue)]? = nil, votes: (agree: Int, of: Int)? = nil) {
        self.init(payload: .data(data), upstreams: upstreams, summary: summary, votes: votes)
    }

    /// The list, for list modes; nil for `data` envelopes.
    public var items: [JSONValue]? {
        if case .items(let items) = payload { return items }
        return nil
    }

    /// The value, for `object`/`vote` envelopes (`.some(.null)` when it is null); nil for lists.
    public var data: JSONValue? {
        if case .data(let value) = payload { return value }
        return nil
    }

    /// True iff an upstream ended in a state that makes the answer partial (`cancelled` does not).
    public var partial: Bool {
        upstreams.contains { $0.status.makesPartial }
    }
}
