/// What one client request offers to fill templates with.
public struct TemplateValues: Sendable {
    /// Decoded query parameters (the first value of a repeated name, as the server decides).
    public var query: [String: String]
    /// Decoded path parameters from `PathPattern.match`.
    public var path: [String: String]
    /// Client headers; keys must be lowercased.
    public var headers: [String: String]
    /// The shard index when the template belongs to a sharded upstream.
    public var shard: Int?
    /// `{from.NAME/POINTER}` values, read from earlier upstreams' answers once they are ok
    /// (see `DependencyValues`).
    public var upstreamValues: [TemplateReference: String] = [:]

    public init(query: [String: String] = [:], path: [String: String] = [:],
                headers: [String: String] = [:], shard: Int? = nil) {
        self.query = query
        self.path = path
        self.headers = headers
        self.shard = shard
    }

    public func value(for reference: TemplateReference) -> String? {
        switch reference.kind {
        case .query: return query[reference.name]
        case .path: return path[reference.name]
        case .header: return headers[reference.name]
        case .shard: return shard.map { String($0) }
        case .from, .item: return upstreamValues[reference]
        }
    }
}
