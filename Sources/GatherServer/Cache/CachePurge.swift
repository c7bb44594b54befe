import GatherCore

/// `POST /cache/purge` on the admin listener: empties every upstream cache of the routes served
/// now, or only those of `?upstream=NAME` (and/or `?route=NAME`).
enum CachePurge {
    static func purge(_ routes: LiveRoutes, query: Substring?) -> AdminResponse {
        let parameters = QueryString.parse(query ?? "")
        var upstreamName: String?
        var routeName: String?
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            switch name {
            case "upstream": upstreamName = value
            case "route": routeName = value
            default:
                return AdminResponse(status: .badRequest, contentType: AdminResponse.json,
                                     body: ErrorBody.json("cache purge takes upstream=NAME and route=NAME, not \(name)"))
            }
        }
        var entries = 0
        var caches = 0
        var seen = Set<ObjectIdentifier>()
        for route in routes.routes where routeName == nil || route.name == routeName {
            guard let runtime = routes.runtimes[route.name] else { continue }
            for upstream in runtime.upstreams
            where upstreamName == nil || upstream.spec.name == upstreamName || upstream.cacheName == upstreamName {
                guard let cache = upstream.cache, cache.spec != nil, seen.insert(ObjectIdentifier(cache)).inserted else { continue }
                entries += cache.snapshot.entries
                cache.purge()
                caches += 1
            }
        }
        if caches == 0, upstreamName != nil || routeName != nil {
            return AdminResponse(status: .notFound, contentType: AdminResponse.json,
                                 body: ErrorBody.json("no cached upstream matches"))
        }
        var writer = JSONWriter()
        writer.write(.object(JSONObject([("purged", .object(JSONObject([
            ("caches", .int(Int64(caches))), ("entries", .int(Int64(entries))),
        ])))])))
        return AdminResponse(status: .ok, contentType: AdminResponse.json, body: writer.bytes)
    }
}
