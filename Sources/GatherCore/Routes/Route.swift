/// One validated route: how to match a request, whom to ask, and how to answer.
public struct Route: Sendable {
    public var name: String
    /// Uppercased, one of `RouteMethods.known`.
    public var method: String
    public var path: PathPattern
    public var deadline: Duration
    public var complete: CompletionRule
    public var quorum: Threshold?
    public var minOK: Threshold?
    /// Lowercased client header names copied to every upstream request.
    public var forwardHeaders: [String]
    public var maxParallel: Int?
    public var upstreams: [UpstreamSpec]
    public var merge: MergeSpec
    public var location: SourceLocation

    public init(name: String, method: String, path: PathPattern, deadline: Duration,
                complete: CompletionRule = .all, quorum: Threshold? = nil, minOK: Threshold? = nil,
                forwardHeaders: [String] = [], maxParallel: Int? = nil, upstreams: [UpstreamSpec],
                merge: MergeSpec = MergeSpec(), location: SourceLocation) {
        self.name = name
        self.method = method
        self.path = path
        self.deadline = deadline
        self.complete = complete
        self.quorum = quorum
        self.minOK = minOK
        self.forwardHeaders = forwardHeaders
        self.maxParallel = maxParallel
        self.upstreams = upstreams
        self.merge = merge
        self.location = location
    }

    /// The per-host connection limit the transfer engine applies for a set of routes: libcurl
    /// keeps one per connection pool, so the smallest `max_connections` written anywhere (every
    /// written bound then holds), else `UpstreamSpec.defaultMaxConnections`.
    public static func connectionsPerHost(_ routes: [Route]) -> Int {
        routes.lazy.flatMap(\.upstreams).compactMap(\.maxConnections).min() ?? UpstreamSpec.defaultMaxConnections
    }

    /// K for `complete: quorum` and merge mode `vote`: `quorum` resolved against the number of
    /// upstreams, or for `vote` without one a majority; nil when neither applies.
    public var quorumCount: Int? {
        if let quorum { return quorum.resolve(of: upstreams.count) }
        if merge.mode == .vote { return upstreams.count / 2 + 1 }
        return nil
    }

    /// The fewest `ok` upstreams for a 200: `min_ok` resolved, else K for `complete: quorum`,
    /// else 1.
    public var requiredSuccesses: Int {
        if let minOK { return minOK.resolve(of: upstreams.count) }
        if complete == .quorum, let quorumCount { return quorumCount }
        return 1
    }
}
