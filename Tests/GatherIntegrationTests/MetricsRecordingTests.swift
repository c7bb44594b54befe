import GatherCore
@testable import GatherServer
import Testing

/// The metrics layer on its own: no sockets, the upstreams' live health driven by hand.
@Suite("Metrics recording and scrape-time export")
struct MetricsRecordingTests {
    private static func routes(timeout: String = "900ms", withSearch: Bool = true) throws -> [Route] {
        let text = withSearch ? """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 1s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:1/a" }
                  - { name: b, url: "http://127.0.0.1:1/b", timeout: \(timeout) }
                  - { name: c, url: "http://127.0.0.1:1/c" }
                  - { name: d, url: "http://127.0.0.1:1/d" }
                merge: { items: /results }
            """ : """
            routes:
              - name: other
                match: { method: GET, path: /other }
                deadline: 1s
                upstreams:
                  - { name: x, url: "http://127.0.0.1:1/x" }
                merge: { items: /results }
            """
        let parsed = RouteLoader.parse(text: text, file: "metrics.yaml", environment: [:])
        try #require(parsed.errors.isEmpty, "\(parsed.errors)")
        return parsed.routes
    }

    @Test("hedges and retries refused by the upstream's limits are counted by kind")
    func refusedAttempts() throws {
        let parsed = RouteLoader.parse(text: """
            routes:
              - name: full
                match: { method: GET, path: /full }
                deadline: 1s
                upstreams:
                  - { name: one, url: "http://127.0.0.1:1/one", max_in_flight: 1, hedge: { after: 10ms } }
                merge: { items: /results }
            """, file: "refused.yaml", environment: [:])
        try #require(parsed.errors.isEmpty, "\(parsed.errors)")
        let metrics = GatewayMetrics()
        let live = LiveRoutes(routes: parsed.routes, metrics: metrics)
        let health = try #require(live.runtimes["full"]).upstreams[0].health
        #expect(health.admit(now: 0) == .send(replica: 0))
        // At max_in_flight: neither a hedge nor a retry may add load.
        #expect(!health.allowHedge())
        #expect(!health.allowHedge())
        #expect(!health.allowRetry())
        let scraped = try Self.scrape(metrics, live)
        let one = ["route": "full", "upstream": "one"]
        #expect(scraped.types["gather_upstream_refused_total"] == "counter")
        #expect(scraped.value("gather_upstream_refused_total", one.merging(["kind": "hedge"]) { $1 }) == 2)
        #expect(scraped.value("gather_upstream_refused_total", one.merging(["kind": "retry"]) { $1 }) == 1)
        #expect(scraped.value("gather_upstream_attempts_total", one.merging(["kind": "hedge"]) { $1 }) == 0)
    }

    /// Ends an attempt on replica 0 with a 1 ms answer: only the in-flight count matters here.
    private static func end(_ health: UpstreamHealth, _ kind: AttemptKind) {
        health.attemptEnded(replica: 0, kind: kind, end: .answered(latency: 1_000_000), now: 1)
    }

    private static func scrape(_ metrics: GatewayMetrics, _ live: LiveRoutes) throws -> PrometheusExposition {
        try PrometheusExposition(String(decoding: metrics.exposition(inFlight: 0, routes: live), as: UTF8.self))
    }

    @Test("an answer: fan-out counts asked upstreams, the straggler is the slowest one waited for")
    func answerSeries() throws {
        let metrics = GatewayMetrics()
        let live = LiveRoutes(routes: try Self.routes(), metrics: metrics)
        let runtime = try #require(live.runtimes["search"])
        runtime.metrics.recordAnswer(status: 200, durationNanoseconds: 250_000_000, mergeNanoseconds: 40_000, upstreams: [
            UpstreamReport(name: "a", status: .ok, ms: 3, attempts: 1),
            UpstreamReport(name: "b", status: .timeout, ms: 200, attempts: 2, hedged: true),
            UpstreamReport(name: "c", status: .skipped, ms: 0, attempts: 0),
            UpstreamReport(name: "d", status: .cancelled, ms: 500, attempts: 1),
        ])
        let scraped = try Self.scrape(metrics, live)
        let route = ["route": "search"]
        #expect(scraped.samples("gather_requests_total").map(\.labels) == [["route": "search", "status": "200", "partial": "true"]])
        #expect(scraped.value("gather_requests_total", ["route": "search", "status": "200", "partial": "true"]) == 1)
        #expect(scraped.value("gather_request_fanout_sum", route) == 3, "a, b and d were asked; c was skipped")
        #expect(scraped.value("gather_request_fanout_bucket", route.merging(["le": "3.0"]) { $1 }) == 1)
        #expect(scraped.value("gather_request_fanout_bucket", route.merging(["le": "2.0"]) { $1 }) == 0)
        #expect(scraped.value("gather_request_straggler_seconds_sum", route) == 0.2, "d was cancelled, not waited for")
        #expect(scraped.value("gather_request_duration_seconds_sum", route) == 0.25)
        #expect(scraped.value("gather_merge_duration_seconds_sum", route) == 0.00004)
        #expect(scraped.value("gather_merge_duration_seconds_bucket", route.merging(["le": "0.00005"]) { $1 }) == 1)
        #expect(scraped.value("gather_merge_duration_seconds_bucket", route.merging(["le": "0.000025"]) { $1 }) == 0)
        for (upstream, count) in [("a", 1.0), ("b", 1), ("c", 0), ("d", 1)] {
            #expect(scraped.value("gather_upstream_duration_seconds_count", ["route": "search", "upstream": upstream]) == count)
        }
        #expect(scraped.value("gather_hedges_total", ["route": "search", "upstream": "b"]) == 1)
        #expect(scraped.value("gather_upstream_requests_total", ["route": "search", "upstream": "c", "status": "skipped"]) == 1)
        #expect(scraped.value("gather_upstream_requests_total", ["route": "search", "upstream": "d", "status": "cancelled"]) == 1)
        #expect(scraped.samples("gather_upstream_requests_total").count == 4)
    }

    @Test("attempts and in flight follow a health replaced by a reload until its last attempt ends")
    func healthAcrossReload() throws {
        let metrics = GatewayMetrics()
        let first = LiveRoutes(routes: try Self.routes(), metrics: metrics)
        let oldHealth = try #require(first.runtimes["search"]).upstreams[1].health
        #expect(oldHealth.admit(now: 0) == .send(replica: 0))
        #expect(oldHealth.admit(now: 0) == .send(replica: 0))
        Self.end(oldHealth, .primary)
        let b = ["route": "search", "upstream": "b"]
        let primaryB = b.merging(["kind": "primary"]) { $1 }

        // A new timeout for b: the next generation gives it a new health; a keeps its own.
        let second = LiveRoutes(routes: try Self.routes(timeout: "800ms"), previous: first, metrics: metrics)
        let newHealth = try #require(second.runtimes["search"]).upstreams[1].health
        #expect(newHealth !== oldHealth)
        #expect(second.runtimes["search"]?.upstreams[0].health === first.runtimes["search"]?.upstreams[0].health)
        #expect(newHealth.admit(now: 2) == .send(replica: 0))

        var scraped = try Self.scrape(metrics, second)
        #expect(scraped.value("gather_upstream_attempts_total", primaryB) == 3)
        #expect(scraped.value("gather_upstream_in_flight", b) == 2, "one on the old health, one on the new")

        // A request still running on the old routes retries there after the scrape: still counted.
        Self.end(oldHealth, .primary)
        oldHealth.attemptStarted(replica: 0, kind: .retry)
        scraped = try Self.scrape(metrics, second)
        #expect(scraped.value("gather_upstream_in_flight", b) == 2)
        #expect(scraped.value("gather_upstream_attempts_total", b.merging(["kind": "retry"]) { $1 }) == 1)
        #expect(scraped.value("gather_upstream_attempts_total", primaryB) == 3, "a scrape adds only what is new")

        Self.end(oldHealth, .retry)
        scraped = try Self.scrape(metrics, second)
        #expect(scraped.value("gather_upstream_in_flight", b) == 1)

        // The route goes away: its series stay, its in-flight gauge drops to what is still running.
        let third = LiveRoutes(routes: try Self.routes(withSearch: false), previous: second, metrics: metrics)
        Self.end(newHealth, .primary)
        scraped = try Self.scrape(metrics, third)
        #expect(scraped.value("gather_upstream_in_flight", b) == 0)
        #expect(scraped.value("gather_upstream_attempts_total", primaryB) == 3)
        #expect(scraped.value("gather_upstream_in_flight", ["route": "other", "upstream": "x"]) == 0)
        #expect(scraped.value("gather_routes_loaded") == 1)
    }
}
