import GatherCore

/// A loaded route plus what is built once per load rather than once per request.
final class RouteRuntime: Sendable {
    let route: Route
    /// nil for `complete: first`, which passes the winner through unmerged.
    let mergeStage: (any MergeStage)?
    /// Per upstream, in route order: timeouts in the units the machine and libcurl want, and live health.
    let upstreams: [UpstreamRuntime]
    /// Whether any template reads `{header.X}`: only then are the client's headers gathered.
    let readsClientHeaders: Bool
    /// Whether an upstream has `max_in_flight`, so requests may wait for its slots.
    let limitsInFlight: Bool
    /// The route's metric series, bound once per load.
    let metrics: RouteSeries
    /// Per upstream, the indices of its needs (stages); and how many stages the route has.
    let needIndices: [[Int]]
    let stageDepth: Int
    /// Per upstream, its stage (`StageDepth`).
    let upstreamStages: [Int]
    /// Whether an upstream is a map (`each:`).
    let hasMaps: Bool
    /// Per upstream: rendered only once its needs are ok, because a template reads
    /// `{from.NAME/POINTER}`, or it is a map.
    let rendersLate: [Bool]

    init(route: Route, previous: RouteRuntime? = nil, metrics: GatewayMetrics) {
        self.route = route
        self.mergeStage = route.complete == .first ? nil
            : MergeStages.make(route.merge, upstreamCount: route.upstreams.count, quorum: route.quorumCount)
        var connections = ConnectionOptionsCache()
        // One cache per `shards:` block (its shards share the block's source location).
        var blockCaches: [String: UpstreamCache] = [:]
        let upstreams = route.upstreams.map { spec in
            let block = spec.shardIndex == nil ? nil : "\(spec.location.line):\(spec.location.column)"
            let runtime = UpstreamRuntime(spec: spec, previous: previous?.upstreams.first { $0.spec.name == spec.name },
                                          connections: &connections, cacheShape: CacheIdentity.shape(of: route),
                                          blockCache: block.flatMap { blockCaches[$0] })
            if let block, let cache = runtime.cache { blockCaches[block] = cache }
            return runtime
        }
        self.upstreams = upstreams
        self.metrics = metrics.series(for: route, upstreams: upstreams)
        self.limitsInFlight = route.upstreams.contains { $0.maxInFlight != nil }
        self.needIndices = route.needIndices
        self.upstreamStages = StageDepth.stages(needs: route.needIndices)
        self.stageDepth = upstreamStages.max() ?? 1
        self.hasMaps = route.upstreams.contains { $0.stage.each != nil }
        self.rendersLate = route.upstreams.map { upstream in
            (!upstream.stage.needs.isEmpty && !UpstreamStage.fromReferences(of: upstream).isEmpty)
                || upstream.stage.each != nil
        }
        self.readsClientHeaders = route.upstreams.contains { upstream in
            ([upstream.url] + upstream.replicas).contains { $0.references.contains { $0.kind == .header } }
                || upstream.headers.contains { $0.value.references.contains { $0.kind == .header } }
        }
    }
}
