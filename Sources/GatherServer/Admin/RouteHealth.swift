import GatherCore
import NIOCore

/// One loaded route and its upstreams' live health, read once per admin request and shared by
/// `/upstreams` and the status page.
struct RouteHealth: Sendable {
    var name: String
    var method: String
    var path: String
    var complete: String
    var merge: String
    var deadlineMs: Double
    var upstreams: [UpstreamHealthSnapshot]

    /// In route-file order; each snapshot takes its upstream's lock once.
    static func collect(from live: LiveRoutes) -> [RouteHealth] {
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        return live.routes.compactMap { route in
            guard let runtime = live.runtimes[route.name] else { return nil }
            return RouteHealth(name: route.name, method: route.method, path: route.path.source,
                               complete: route.complete.rawValue, merge: route.merge.mode.rawValue,
                               deadlineMs: route.deadline.milliseconds,
                               upstreams: runtime.upstreams.map { $0.health.snapshot(now: now) })
        }
    }

    var jsonValue: JSONValue {
        .object(JSONObject([
            ("name", .string(name)),
            ("upstreams", .array(upstreams.map(\.jsonValue))),
        ]))
    }
}
