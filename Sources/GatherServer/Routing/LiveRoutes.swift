import GatherCore

/// One generation of loaded routes: swapped whole on reload, so a request sees one consistent set.
struct LiveRoutes: Sendable {
    let table: RouteTable
    let runtimes: [String: RouteRuntime]
    let routes: [Route]

    /// `previous`: the generation being replaced, whose upstreams' live health carries over.
    init(routes: [Route], previous: LiveRoutes? = nil, metrics: GatewayMetrics) {
        self.routes = routes
        self.table = RouteTable(routes: routes)
        var runtimes: [String: RouteRuntime] = [:]
        for route in routes {
            runtimes[route.name] = RouteRuntime(route: route, previous: previous?.runtimes[route.name], metrics: metrics)
        }
        self.runtimes = runtimes
    }

    func match(method: String, path: Substring) -> (route: RouteRuntime, params: [String: String])? {
        guard let found = table.match(method: method, path: path), let runtime = runtimes[found.route.name] else {
            return nil
        }
        return (runtime, found.params)
    }

    func allowsPath(_ path: Substring) -> [String] {
        table.allowsPath(path)
    }
}
