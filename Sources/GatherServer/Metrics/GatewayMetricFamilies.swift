import Prometheus

/// Names and help texts of the gateway's metric families (contract: `gather_…`). Durations are
/// `_seconds` histograms, counters end in `_total`, gauges have no suffix.
enum GatewayMetricFamilies {
    // Per route, recorded once per aggregated answer.
    static let requests = MetricNameDescriptor(
        namespace: "gather", metricName: "requests", unitName: "total",
        helpText: "Aggregated client requests answered, by route, HTTP status and whether the answer was partial.")
    static let requestDuration = MetricNameDescriptor(
        namespace: "gather", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from the fan-out to the aggregated answer, by route.")
    static let fanout = MetricNameDescriptor(
        namespace: "gather", metricName: "request_fanout", unitName: "",
        helpText: "Upstreams actually asked per aggregated answer (skipped ones excluded), by route.")
    static let stages = MetricNameDescriptor(
        namespace: "gather", metricName: "request_stages", unitName: "",
        helpText: "Stages an aggregated answer reached (1 + the longest chain of needs among the upstreams it sent), by route; routes with needs or maps only.")
    static let mapCalls = MetricNameDescriptor(
        namespace: "gather", metricName: "request_map_calls", unitName: "",
        helpText: "Calls made by maps (each:) per aggregated answer, by route; routes with maps only.")
    static let straggler = MetricNameDescriptor(
        namespace: "gather", metricName: "request_straggler", unitName: "seconds",
        helpText: "The slowest asked upstream's time to its final state in each aggregated answer, by route.")
    static let mergeDuration = MetricNameDescriptor(
        namespace: "gather", metricName: "merge_duration", unitName: "seconds",
        helpText: "Time spent merging the upstreams' answers and writing the response body, by route.")

    // Per route and upstream, recorded once per aggregated answer.
    static let upstreamRequests = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_requests", unitName: "total",
        helpText: "Final state of each upstream in each aggregated answer.")
    static let upstreamDuration = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_duration", unitName: "seconds",
        helpText: "Time from the fan-out to each asked upstream's final state.")
    static let hedges = MetricNameDescriptor(
        namespace: "gather", metricName: "hedges", unitName: "total",
        helpText: "Aggregated answers in which the upstream was hedged.")

    // Per route and upstream, read from the upstream's live health at scrape time.
    static let upstreamAttempts = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_attempts", unitName: "total",
        helpText: "Requests sent to the upstream, by kind: primary, hedge or retry.")
    static let upstreamRefused = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_refused", unitName: "total",
        helpText: "Hedges and retries due but not sent (budget spent, circuit not closed, max_in_flight), by kind.")
    static let upstreamInFlight = MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_in_flight", unitName: "",
        helpText: "Requests to the upstream not finished yet.")

    // Process.
    static let rejected = MetricNameDescriptor(
        namespace: "gather", metricName: "requests_rejected", unitName: "total",
        helpText: "Client requests answered without a fan-out (no route, bad request, limits, shed), by HTTP status.")
    static let requestsInFlight = MetricNameDescriptor(
        namespace: "gather", metricName: "requests_in_flight", unitName: "",
        helpText: "Client requests being aggregated now.")
    static let routesLoaded = MetricNameDescriptor(
        namespace: "gather", metricName: "routes_loaded", unitName: "",
        helpText: "Routes currently served.")
    static let reloads = MetricNameDescriptor(
        namespace: "gather", metricName: "config_reloads", unitName: "total",
        helpText: "Route reloads that took effect.")
    static let reloadFailures = MetricNameDescriptor(
        namespace: "gather", metricName: "config_reload_failures", unitName: "total",
        helpText: "Route reloads refused because a file had errors (the previous routes stayed).")
}
