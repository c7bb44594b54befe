import Prometheus

/// The metric objects already registered, by route and by rejection status. Lives inside
/// `GatewayMetrics`' lock; the series classes it holds are mutated only there.
struct MetricSeriesCache {
    private var routes: [String: RouteSeries] = [:]
    private var rejections: [Int: Counter] = [:]

    mutating func route(_ name: String, registry: PrometheusCollectorRegistry) -> RouteSeries {
        if let found = routes[name] { return found }
        let created = RouteSeries(route: name, registry: registry)
        routes[name] = created
        return created
    }

    mutating func rejected(status: Int, registry: PrometheusCollectorRegistry) -> Counter {
        if let found = rejections[status] { return found }
        let created = registry.makeCounter(descriptor: GatewayMetricFamilies.rejected,
                                           labels: [("status", String(status))])
        rejections[status] = created
        return created
    }
}
