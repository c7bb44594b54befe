import GatherCore
import Prometheus

/// One upstream's series within one route. Mutated only under `GatewayMetrics`' lock.
final class UpstreamSeries {
    let route: String
    let upstream: String
    let duration: DurationHistogram
    /// Registered with the upstream, so `gather_hedges_total` reads 0 rather than being absent.
    let hedges: Counter
    private var finalStatuses: [UpstreamStatus: Counter] = [:]

    init(route: String, upstream: String, registry: PrometheusCollectorRegistry) {
        self.route = route
        self.upstream = upstream
        let labels = [("route", route), ("upstream", upstream)]
        duration = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.upstreamDuration,
                                                  labels: labels, buckets: GatewayMetrics.durationBuckets)
        hedges = registry.makeCounter(descriptor: GatewayMetricFamilies.hedges, labels: labels)
    }

    func finalStatus(_ status: UpstreamStatus, registry: PrometheusCollectorRegistry) -> Counter {
        if let found = finalStatuses[status] { return found }
        let created = registry.makeCounter(descriptor: GatewayMetricFamilies.upstreamRequests, labels: [
            ("route", route), ("upstream", upstream), ("status", status.rawValue),
        ])
        finalStatuses[status] = created
        return created
    }
}
