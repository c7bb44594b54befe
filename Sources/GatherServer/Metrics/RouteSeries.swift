import Prometheus

/// One route's series: its duration histogram, its request counters by (status, partial) and its
/// upstreams' series. Mutated only under `GatewayMetrics`' lock.
final class RouteSeries {
    private struct RequestKey: Hashable {
        var status: Int
        var partial: Bool
    }

    let route: String
    let duration: DurationHistogram
    private var requests: [RequestKey: Counter] = [:]
    private var upstreams: [String: UpstreamSeries] = [:]

    init(route: String, registry: PrometheusCollectorRegistry) {
        self.route = route
        duration = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.requestDuration,
                                                  labels: [("route", route)], buckets: GatewayMetrics.durationBuckets)
    }

    func requests(status: Int, partial: Bool, registry: PrometheusCollectorRegistry) -> Counter {
        let key = RequestKey(status: status, partial: partial)
        if let found = requests[key] { return found }
        let created = registry.makeCounter(descriptor: GatewayMetricFamilies.requests, labels: [
            ("route", route), ("status", String(status)), ("partial", partial ? "true" : "false"),
        ])
        requests[key] = created
        return created
    }

    func upstream(_ name: String, registry: PrometheusCollectorRegistry) -> UpstreamSeries {
        if let found = upstreams[name] { return found }
        let created = UpstreamSeries(route: route, upstream: name, registry: registry)
        upstreams[name] = created
        return created
    }
}
