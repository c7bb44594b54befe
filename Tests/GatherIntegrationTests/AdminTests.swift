import GatherCore
import GatherFixtures
import GatherServer
import Logging
import Testing

@Suite("The admin listener")
struct AdminTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
              - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
            merge: { items: /results }
          - name: slow
            match: { method: GET, path: /slow }
            deadline: 3s
            upstreams:
              - { name: stuck, url: "http://127.0.0.1:\(ports["stuck"]!)/search" }
            merge: { items: /results }
        """ }

    private static let backends = [
        Backends.fast("a", urls: ["https://a.example/1"]),
        Backends.fast("b", urls: ["https://b.example/1", "https://b.example/2"]),
        Backends.stalled("stuck", seconds: 5),
    ]

    @Test("/metrics counts answers per route and upstream, rejections, and the live gauges")
    func metricsCount() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            for _ in 0..<3 { #expect(await bed.gateway.get("/search").status == 200) }
            #expect(await bed.gateway.get("/nowhere").status == 404)
            #expect(await bed.gateway.request("POST", "/search").status == 405)

            let metrics = await bed.admin.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let exposition = try PrometheusExposition(metrics.text)
            let search = ["route": "search"]
            #expect(exposition.types["gather_requests_total"] == "counter")
            #expect(exposition.value("gather_requests_total", ["route": "search", "status": "200", "partial": "false"]) == 3)
            #expect(exposition.value("gather_request_duration_seconds_count", search) == 3)
            #expect(exposition.value("gather_upstream_requests_total", ["route": "search", "upstream": "a", "status": "ok"]) == 3)
            #expect(exposition.value("gather_upstream_requests_total", ["route": "search", "upstream": "b", "status": "ok"]) == 3)
            #expect(exposition.value("gather_upstream_duration_seconds_count", ["route": "search", "upstream": "b"]) == 3)
            #expect(exposition.value("gather_upstream_duration_seconds_bucket",
                                     ["route": "search", "upstream": "a", "le": "10.0"]) == 3)
            #expect(exposition.value("gather_hedges_total", ["route": "search", "upstream": "a"]) == 0)
            #expect(exposition.value("gather_requests_rejected_total", ["status": "404"]) == 1)
            #expect(exposition.value("gather_requests_rejected_total", ["status": "405"]) == 1)
            #expect(exposition.value("gather_routes_loaded") == 2)
            #expect(exposition.value("gather_requests_in_flight") == 0)
            // A loaded route's series exist before its first answer; only the status counters wait for one.
            #expect(exposition.value("gather_request_duration_seconds_count", ["route": "slow"]) == 0)
            #expect(exposition.samples("gather_requests_total", matching: ["route": "slow"]).isEmpty)
        }
    }

    @Test("/upstreams reports each route's upstreams with their live health")
    func upstreamsJSON() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            for _ in 0..<2 { #expect(await bed.gateway.get("/search").status == 200) }
            let response = await bed.admin.get("/upstreams")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response["/routes/0/name"] == .string("search"))
            #expect(response["/routes/0/upstreams/0/name"] == .string("a"))
            #expect(response["/routes/0/upstreams/1/name"] == .string("b"))
            #expect(response["/routes/0/upstreams/0/samples"] == .int(2))
            #expect(response["/routes/0/upstreams/0/primaries"] == .int(2))
            #expect(response["/routes/0/upstreams/0/in_flight"] == .int(0))
            #expect(response["/routes/0/upstreams/0/circuit"] == .string("off"))
            #expect(response["/routes/0/upstreams/0/p50_ms"] == .null, "fewer samples than a percentile needs")
            #expect(response["/routes/1/name"] == .string("slow"))
            #expect(response["/routes/1/upstreams/0/samples"] == .int(0))
        }
    }

    @Test("GET / is a self-refreshing HTML page naming routes and upstreams")
    func statusPage() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            #expect(await bed.gateway.get("/search").status == 200)
            let page = await bed.admin.get("/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            let html = page.text
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains(#"<meta http-equiv="refresh" content="2">"#))
            #expect(html.contains("<h2>search</h2>"))
            #expect(html.contains("<h2>slow</h2>"))
            #expect(html.contains("<tr><td>stuck</td>"))
            #expect(html.contains(">refused</th>"), "hedges and retries the budgets refused have a column")
            #expect(html.contains(#"<div class="label">routes loaded</div><div class="value">2</div>"#))
            #expect(html.contains(#"<span class="badge ready">ready</span>"#))
            #expect(!html.contains("<script"), "no scripts, no external assets")
        }
    }

    @Test("health, readiness, routes; unknown paths 404 JSON; other methods 405")
    func endpointsAndErrors() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            let healthz = await bed.admin.get("/healthz")
            #expect(healthz.status == 200)
            #expect(healthz["/status"] == .string("ok"))
            let readyz = await bed.admin.get("/readyz")
            #expect(readyz.status == 200)
            #expect(readyz["/status"] == .string("ready"))
            let routes = await bed.admin.get("/routes?verbose=1")
            #expect(routes.status == 200)
            #expect(routes["/routes/0/name"] == .string("search"))
            #expect(routes["/routes/0/upstreams"] == .array([.string("a"), .string("b")]))

            let unknown = await bed.admin.get("/nope")
            #expect(unknown.status == 404)
            #expect(unknown.header("Content-Type") == "application/json")
            #expect(unknown["/error"]?.stringValue?.contains("/nope") == true)

            let post = await bed.admin.request("POST", "/metrics", body: Array("x".utf8))
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET")
            #expect(post["/error"] != nil)
        }
    }

    @Test("/readyz answers 503 while the gateway drains; in-flight shows in /metrics meanwhile")
    func drainingReadiness() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            let gateway = bed.gateway
            async let stuck = gateway.get("/slow")
            // The deadline is 3 s: within it the request is in flight, and the drain lasts
            // (on a loaded machine the polls below can take a second).
            var inFlight: Double?
            for _ in 0..<100 where inFlight != 1 {
                inFlight = Self.sample("gather_requests_in_flight", in: await bed.admin.get("/metrics").text)
                if inFlight != 1 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(inFlight == 1)
            let server = bed.server
            bed.serverStopped.store(true, ordering: .releasing)
            let draining = Task { await server.shutdown(drain: .seconds(5)) }
            var ready = await bed.admin.get("/readyz")
            for _ in 0..<100 where ready.status != 503 {
                try await Task.sleep(for: .milliseconds(10))
                ready = await bed.admin.get("/readyz")
            }
            #expect(ready.status == 503)
            #expect(ready["/status"] == .string("draining"))
            #expect(await stuck.status == 504)
            await draining.value
        }
    }

    /// The value of an unlabelled sample line `name value`.
    private static func sample(_ name: String, in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
