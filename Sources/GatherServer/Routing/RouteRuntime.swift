import GatherCore

/// A loaded route plus what is built once per load rather than once per request.
final class RouteRuntime: @unchecked Sendable {
    let route: Route
    /// nil for `complete: first`, which passes the winner through unmerged.
    let mergeStage: (any MergeStage)?
    /// Headers every attempt of an upstream sends, when they hold no template: rendered once.
    let upstreams: [UpstreamRuntime]

    init(route: Route) {
        self.route = route
        self.mergeStage = route.complete == .first ? nil
            : MergeStages.make(route.merge, upstreamCount: route.upstreams.count, quorum: route.quorumCount)
        self.upstreams = route.upstreams.map(UpstreamRuntime.init)
    }
}
