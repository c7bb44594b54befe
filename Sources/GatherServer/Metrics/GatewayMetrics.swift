import GatherCore
import Prometheus
import Synchronization

/// The gateway's counters and histograms, exported on the admin listener's `/metrics`.
///
/// One registry per gateway (not the global `MetricsSystem`), so two gateways in one process
/// (tests) keep separate counts. The metric objects are looked up by route, upstream and status
/// in a cache behind one lock: a request builds no label strings, only the first request of a
/// new (route, upstream, status) combination registers a series.
final class GatewayMetrics: Sendable {
    /// 1 ms to 10 s in 1–2.5–5 steps: the span between a cached upstream and a route deadline.
    static let durationBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        .map { .nanoseconds(Int64($0 * 1_000_000)) }

    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let routesLoaded: Gauge
    private let cache = Mutex(MetricSeriesCache())

    init() {
        inFlight = registry.makeGauge(descriptor: GatewayMetricFamilies.requestsInFlight)
        routesLoaded = registry.makeGauge(descriptor: GatewayMetricFamilies.routesLoaded)
    }

    /// One answered client request of `route` (`status` is the HTTP status sent).
    func recordAnswer(route: String, status: Int, partial: Bool, durationNanoseconds: Int64,
                      upstreams: [UpstreamReport]) {
        cache.withLock { cache in
            let routeSeries = cache.route(route, registry: registry)
            routeSeries.requests(status: status, partial: partial, registry: registry).increment()
            routeSeries.duration.record(.nanoseconds(max(0, durationNanoseconds)))
            for report in upstreams {
                let upstream = routeSeries.upstream(report.name, registry: registry)
                upstream.finalStatus(report.status, registry: registry).increment()
                // A skipped upstream was never asked: it has no duration to report.
                if report.status != .skipped { upstream.duration.record(Self.duration(milliseconds: report.ms)) }
                if report.hedged { upstream.hedges.increment() }
            }
        }
    }

    /// A request answered without a fan-out: 404, 405, 400, 413, 503 shed, …
    func recordRejected(status: Int) {
        cache.withLock { $0.rejected(status: status, registry: registry) }.increment()
    }

    /// The Prometheus text exposition; the gauges are the caller's live values at scrape time.
    func exposition(inFlight requestsInFlight: Int, routesLoaded loaded: Int) -> [UInt8] {
        inFlight.set(Int64(requestsInFlight))
        routesLoaded.set(Int64(loaded))
        return registry.emitToBuffer()
    }

    /// Report milliseconds to a Duration; a NaN, negative or absurd value must not trap.
    static func duration(milliseconds: Double) -> Duration {
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(milliseconds, 1e9) * 1_000_000))
    }
}
