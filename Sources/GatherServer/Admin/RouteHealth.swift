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
    /// Per upstream: its cache's counts, nil for one without `cache`.
    var caches: [UpstreamCache.Snapshot?] = []

    /// In route-file order; each snapshot takes its upstream's lock once.
    static func collect(from live: LiveRoutes) -> [RouteHealth] {
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        return live.routes.compactMap { route in
            guard let runtime = live.runtimes[route.name] else { return nil }
            return RouteHealth(name: route.name, method: route.method, path: route.path.source,
                               complete: route.complete.rawValue, merge: route.merge.mode.rawValue,
                               deadlineMs: route.deadline.milliseconds,
                               upstreams: runtime.upstreams.map { $0.health.snapshot(now: now) },
                               caches: runtime.upstreams.map { upstream in
                                   upstream.cache?.spec == nil ? nil : upstream.cache?.snapshot
                               })
        }
    }

    var jsonValue: JSONValue {
        .object(JSONObject([
            ("name", .string(name)),
            ("upstreams", .array(upstreams.indices.map { index in
                let value = upstreams[index].jsonValue
                guard index < caches.count, let cache = caches[index], case .object(var members) = value else { return value }
                members.members.append(("cache", cache.jsonValue))
                return .object(members)
            })),
        ]))
    }
}
