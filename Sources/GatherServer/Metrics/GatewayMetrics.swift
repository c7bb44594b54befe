import GatherCore
import Prometheus
import Synchronization

/// The gateway's counters, gauges and histograms, exported on the admin listener's `/metrics`.
///
/// One registry per gateway (not the global `MetricsSystem`), so two gateways in one process
/// (tests) keep separate counts. Each loaded route gets its `RouteSeries` once, at load time;
/// requests record into those handles. Live values (in flight, attempts) are read from the
/// admission counter and the upstreams' health when scraped.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let routesLoaded: Gauge
    private let reloads: Counter
    private let reloadFailures: Counter
    private let rejections = Mutex<[Int: Counter]>([:])
    private let health = Mutex(HealthExport())
    /// The log writer's running count, and how much of it the counter holds already.
    private let droppedLogLines: (@Sendable () -> Int)?
    private let logLinesDropped: Counter
    private let logLinesDroppedExported = Mutex(0)
    private let caches = Mutex(CacheExport())

    init(droppedLogLines: (@Sendable () -> Int)? = nil) {
        self.droppedLogLines = droppedLogLines
        logLinesDropped = registry.makeCounter(descriptor: GatewayMetricFamilies.logLinesDropped)
        inFlight = registry.makeGauge(descriptor: GatewayMetricFamilies.requestsInFlight)
        routesLoaded = registry.makeGauge(descriptor: GatewayMetricFamilies.routesLoaded)
        reloads = registry.makeCounter(descriptor: GatewayMetricFamilies.reloads)
        reloadFailures = registry.makeCounter(descriptor: GatewayMetricFamilies.reloadFailures)
    }

    /// The series of a route being loaded; its upstreams' health is exported from now on.
    func series(for route: Route, upstreams: [UpstreamRuntime]) -> RouteSeries {
        let series = RouteSeries(route: route.name, upstreams: route.upstreams.map(\.name), registry: registry)
        health.withLock { export in
            for (upstream, upstreamSeries) in zip(upstreams, series.upstreams) {
                export.track(upstream.health, series: upstreamSeries)
            }
        }
        return series
    }

    /// A request answered without a fan-out: 404, 405, 400, 413, 503 shed, …
    func recordRejected(status: Int) {
        rejections.withLock { counters in
            if let found = counters[status] { return found }
            let created = registry.makeCounter(descriptor: GatewayMetricFamilies.rejected,
                                               labels: [("status", String(status))])
            counters[status] = created
            return created
        }.increment()
    }

    func recordReload() { reloads.increment() }

    func recordReloadFailure() { reloadFailures.increment() }

    /// The Prometheus text exposition of `routes`, the generation served now, with
    /// `requestsInFlight` from the admission counter.
    func exposition(inFlight requestsInFlight: Int, routes: LiveRoutes) -> [UInt8] {
        inFlight.set(Int64(requestsInFlight))
        routesLoaded.set(Int64(routes.routes.count))
        var live = Set<ObjectIdentifier>()
        for runtime in routes.runtimes.values {
            for upstream in runtime.upstreams { live.insert(ObjectIdentifier(upstream.health)) }
        }
        // Under the lock: two scrapes at once must not add the same counts twice. The text is
        // written after it, so a route load (which takes the same lock) never waits for it.
        health.withLock { $0.export(live: live) }
        if let droppedLogLines {
            let now = droppedLogLines()
            logLinesDroppedExported.withLock { exported in
                if now > exported { logLinesDropped.increment(by: Int64(now - exported)) }
                exported = max(exported, now)
            }
        }
        caches.withLock { $0.export(routes, registry: registry) }
        return registry.emitToBuffer()
    }
}
