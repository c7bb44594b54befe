import GatherCore
import Prometheus

/// One upstream's series within one route, registered when the route is loaded so that an answer
/// only records into them. The registry hands back the same series for the same labels, so a
/// reload continues the counts rather than starting new ones.
final class UpstreamSeries: Sendable {
    let duration: DurationHistogram
    /// Registered with the upstream, so `gather_hedges_total` reads 0 rather than being absent.
    let hedges: Counter
    /// Fed at scrape time from the upstream's live health, one per `HealthCounterField.all`.
    let healthCounters: [Counter]
    let inFlight: Gauge

    init(route: String, upstream: String, registry: PrometheusCollectorRegistry) {
        let labels = [("route", route), ("upstream", upstream)]
        duration = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.upstreamDuration,
                                                  labels: labels, buckets: MetricBuckets.latency)
        hedges = registry.makeCounter(descriptor: GatewayMetricFamilies.hedges, labels: labels)
        healthCounters = HealthCounterField.all.map { field in
            registry.makeCounter(descriptor: field.family, labels: labels + [field.label])
        }
        inFlight = registry.makeGauge(descriptor: GatewayMetricFamilies.upstreamInFlight, labels: labels)
    }
}
