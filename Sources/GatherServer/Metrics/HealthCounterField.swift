import GatherCore
import Prometheus

/// A count kept by `UpstreamHealth` that `/metrics` exports as a counter: read from the health's
/// snapshot at scrape time, so requests pay nothing for it. A new count in the snapshot is one
/// more entry in `all`.
struct HealthCounterField {
    let family: MetricNameDescriptor
    /// The label that tells this count from the others of its family.
    let label: (String, String)
    let value: (UpstreamHealthSnapshot) -> Int

    /// Computed: swift-prometheus' descriptor is not Sendable; read once per scrape.
    static var all: [HealthCounterField] { [
        HealthCounterField(family: GatewayMetricFamilies.upstreamAttempts, label: ("kind", "primary"), value: { $0.primaries }),
        HealthCounterField(family: GatewayMetricFamilies.upstreamAttempts, label: ("kind", "hedge"), value: { $0.hedges }),
        HealthCounterField(family: GatewayMetricFamilies.upstreamAttempts, label: ("kind", "retry"), value: { $0.retries }),
        HealthCounterField(family: GatewayMetricFamilies.upstreamRefused, label: ("kind", "hedge"), value: { $0.hedgesRefused }),
        HealthCounterField(family: GatewayMetricFamilies.upstreamRefused, label: ("kind", "retry"), value: { $0.retriesRefused }),
    ] }
}
