import Prometheus

/// Names and help texts of the gateway's metric families (contract: `gather_…`). Durations are
/// `_seconds` histograms, counters end in `_total`, gauges have no suffix. Computed: swift-prometheus'
/// descriptor is not Sendable, and each is read once per route load.
enum GatewayMetricFamilies {
    // Per route, recorded once per aggregated answer.
    static var requests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "requests", unitName: "total",
        helpText: "Aggregated client requests answered, by route, HTTP status and whether the answer was partial.") }
    static var requestDuration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "request_duration", unitName: "seconds",
        helpText: "Time from the fan-out to the aggregated answer, by route.") }
    static var fanout: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "request_fanout", unitName: "",
        helpText: "Upstreams actually asked per aggregated answer (skipped ones excluded), by route.") }
    static var stages: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "request_stages", unitName: "",
        helpText: "Stages an aggregated answer reached (1 + the longest chain of needs among the upstreams it sent), by route; routes with needs or maps only.") }
    static var mapCalls: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "request_map_calls", unitName: "",
        helpText: "Calls made by maps (each:) per aggregated answer, by route; routes with maps only.") }
    static var straggler: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "request_straggler", unitName: "seconds",
        helpText: "The slowest asked upstream's time to its final state in each aggregated answer, by route.") }
    static var mergeDuration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "merge_duration", unitName: "seconds",
        helpText: "Time spent merging the upstreams' answers and writing the response body, by route.") }

    // Per route and upstream, recorded once per aggregated answer.
    static var upstreamRequests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_requests", unitName: "total",
        helpText: "Final state of each upstream in each aggregated answer.") }
    static var upstreamDuration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_duration", unitName: "seconds",
        helpText: "Time from the fan-out to each asked upstream's final state.") }
    static var hedges: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "hedges", unitName: "total",
        helpText: "Aggregated answers in which the upstream was hedged.") }

    // Per route and upstream, read from the upstream's live health at scrape time.
    static var upstreamAttempts: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_attempts", unitName: "total",
        helpText: "Requests sent to the upstream, by kind: primary, hedge or retry.") }
    static var upstreamRefused: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_refused", unitName: "total",
        helpText: "Hedges and retries due but not sent (budget spent, circuit not closed, max_in_flight), by kind.") }
    static var upstreamInFlight: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "upstream_in_flight", unitName: "",
        helpText: "Requests to the upstream not finished yet.") }

    // Process.
    static var rejected: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "requests_rejected", unitName: "total",
        helpText: "Client requests answered without a fan-out (no route, bad request, limits, shed), by HTTP status.") }
    static var requestsInFlight: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "requests_in_flight", unitName: "",
        helpText: "Client requests being aggregated now.") }
    static var routesLoaded: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "routes_loaded", unitName: "",
        helpText: "Routes currently served.") }
    static var reloads: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "config_reloads", unitName: "total",
        helpText: "Route reloads that took effect.") }
    static var reloadFailures: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "config_reload_failures", unitName: "total",
        helpText: "Route reloads refused because a file had errors (the previous routes stayed).") }
    static var logLinesDropped: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "gather", metricName: "log_lines_dropped", unitName: "total",
        helpText: "Log lines dropped because the log writer fell behind (its queue was full).") }
}
