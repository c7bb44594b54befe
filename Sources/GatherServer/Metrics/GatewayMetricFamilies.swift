import Prometheus

/// Names and help texts of the gateway's metric families (contract: `gather_…`).
enum GatewayMetricFamilies {
    static let requests = MetricNameDescriptor(
        namespace: "gather", metricName: "requests", unitName: "total",
        helpText: "Aggregated client requests answered, by route, HTTP status and whether the answer was partial.")
    static let requestDuration = MetricNameDescriptor(
        namespace: "gather", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from the fan-out to the aggregated answer, by route.")
    static let upstreamRequests = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_requests", unitName: "total",
        helpText: "Final state of each upstream in each aggregated answer.")
    static let upstreamDuration = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_duration", unitName: "seconds",
        helpText: "Time from the fan-out to each upstream's final state (skipped upstreams excluded).")
    static let hedges = MetricNameDescriptor(
        namespace: "gather", metricName: "hedges", unitName: "total",
        helpText: "Aggregated answers in which the upstream was hedged.")
    static let rejected = MetricNameDescriptor(
        namespace: "gather", metricName: "requests_rejected", unitName: "total",
        helpText: "Client requests answered without a fan-out (no route, bad request, limits, shed), by HTTP status.")
    static let requestsInFlight = MetricNameDescriptor(
        namespace: "gather", metricName: "requests_in_flight", unitName: "",
        helpText: "Client requests being aggregated now.")
    static let routesLoaded = MetricNameDescriptor(
        namespace: "gather", metricName: "routes_loaded", unitName: "",
        helpText: "Routes currently served.")
}
