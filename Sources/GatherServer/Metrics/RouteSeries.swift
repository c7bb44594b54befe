import GatherCore
import Prometheus
import Synchronization

/// One route's series, registered when the route is loaded: an answer records into them without
/// building a label string or looking anything up by name. Only the counters keyed by a value
/// seen at run time (HTTP status, upstream status) are created on first use, under one lock per
/// answer.
final class RouteSeries: Sendable {
    let duration: DurationHistogram
    let fanout: ValueHistogram
    let straggler: DurationHistogram
    let merge: DurationHistogram
    /// Stages reached and map calls per answer (recorded by routes with needs or maps).
    let stages: ValueHistogram
    let mapCalls: ValueHistogram
    /// In route order, like the answer's upstream reports.
    let upstreams: [UpstreamSeries]
    private let counters: Mutex<RouteCounters>

    init(route: String, upstreams names: [String], registry: PrometheusCollectorRegistry) {
        let labels = [("route", route)]
        duration = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.requestDuration,
                                                  labels: labels, buckets: MetricBuckets.latency)
        fanout = registry.makeValueHistogram(descriptor: GatewayMetricFamilies.fanout,
                                             labels: labels, buckets: MetricBuckets.fanout)
        straggler = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.straggler,
                                                   labels: labels, buckets: MetricBuckets.latency)
        merge = registry.makeDurationHistogram(descriptor: GatewayMetricFamilies.mergeDuration,
                                               labels: labels, buckets: MetricBuckets.merge)
        stages = registry.makeValueHistogram(descriptor: GatewayMetricFamilies.stages,
                                             labels: labels, buckets: MetricBuckets.stages)
        mapCalls = registry.makeValueHistogram(descriptor: GatewayMetricFamilies.mapCalls,
                                               labels: labels, buckets: MetricBuckets.mapCalls)
        upstreams = names.map { UpstreamSeries(route: route, upstream: $0, registry: registry) }
        counters = Mutex(RouteCounters(route: route, upstreams: names, registry: registry))
    }

    /// One aggregated answer: `status` is the HTTP status sent, `reports` the envelope's upstreams
    /// in route order; `mergeNanoseconds` is the part of `durationNanoseconds` spent building it.
    func recordAnswer(status: Int, durationNanoseconds: Int64, mergeNanoseconds: Int64, upstreams reports: [UpstreamReport]) {
        var partial = false
        var asked = 0
        var slowest = 0.0
        var waitedFor = false
        for (index, report) in reports.enumerated() where index < upstreams.count {
            partial = partial || report.status.makesPartial
            let series = upstreams[index]
            // An upstream never sent (skipped, or cancelled before its turn) has no latency.
            if report.attempts > 0 {
                asked += 1
                let milliseconds = report.ms.isFinite ? report.ms : 0
                series.duration.record(Self.duration(milliseconds: milliseconds))
                // The straggler is the slowest upstream the answer waited for; one cancelled
                // because the answer no longer needed it was not waited for.
                if report.status != .cancelled {
                    waitedFor = true
                    slowest = max(slowest, milliseconds)
                }
            }
            if report.hedged { series.hedges.increment() }
        }
        counters.withLock { counters in
            counters.requests(status: status, partial: partial).increment()
            for (index, report) in reports.enumerated() where index < upstreams.count {
                counters.outcome(upstream: index, status: report.status).increment()
            }
        }
        duration.record(.nanoseconds(max(0, durationNanoseconds)))
        merge.record(.nanoseconds(max(0, mergeNanoseconds)))
        fanout.record(Double(asked))
        if waitedFor { straggler.record(Self.duration(milliseconds: slowest)) }
    }

    /// Report milliseconds to a Duration; a NaN, negative or absurd value must not trap.
    static func duration(milliseconds: Double) -> Duration {
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(milliseconds, 1e9) * 1_000_000))
    }
}

/// The counters of one route created on first use; lives inside `RouteSeries`' lock.
private struct RouteCounters {
    let route: String
    let upstreams: [String]
    let registry: PrometheusCollectorRegistry
    /// Keyed by HTTP status * 2 + partial.
    private var requests: [Int: Counter] = [:]
    private var outcomes: [[UpstreamStatus: Counter]]

    init(route: String, upstreams: [String], registry: PrometheusCollectorRegistry) {
        self.route = route
        self.upstreams = upstreams
        self.registry = registry
        outcomes = Array(repeating: [:], count: upstreams.count)
    }

    mutating func requests(status: Int, partial: Bool) -> Counter {
        let key = status &* 2 &+ (partial ? 1 : 0)
        if let found = requests[key] { return found }
        let created = registry.makeCounter(descriptor: GatewayMetricFamilies.requests, labels: [
            ("route", route), ("status", String(status)), ("partial", partial ? "true" : "false"),
        ])
        requests[key] = created
        return created
    }

    mutating func outcome(upstream index: Int, status: UpstreamStatus) -> Counter {
        if let found = outcomes[index][status] { return found }
        let created = registry.makeCounter(descriptor: GatewayMetricFamilies.upstreamRequests, labels: [
            ("route", route), ("upstream", upstreams[index]), ("status", status.rawValue),
        ])
        outcomes[index][status] = created
        return created
    }
}
