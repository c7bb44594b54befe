import GatherCore
import GatherFixtures
import GatherServer
import Testing

@Suite("Prometheus metrics after known traffic")
struct MetricsTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in routeFile(ports, downTimeout: "500ms") }

    /// `search`: a healthy upstream and one that answers 503. `catalog`: a stalled primary whose
    /// hedge to the replica wins.
    private static func routeFile(_ ports: [String: Int], downTimeout: String, withCatalog: Bool = true) -> String {
        var text = """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 1s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: down, url: "http://127.0.0.1:\(ports["down"]!)/search", timeout: \(downTimeout) }
                merge: { items: /results }

            """
        if withCatalog {
            text += """
                  - name: catalog
                    match: { method: GET, path: /catalog }
                    deadline: 3s
                    upstreams:
                      - name: catalog
                        url: "http://127.0.0.1:\(ports["primary"]!)/catalog"
                        replicas: ["http://127.0.0.1:\(ports["replica"]!)/catalog"]
                        hedge: { after: 50ms, max: 1 }
                        items: /results

                """
        }
        return text
    }

    private static let backends = [
        Backends.fast("a", urls: ["https://a.example/1"]),
        Backends.backend("down", [FixturePath(path: "/search", body: .bytes(Array(#"{"error":"down"}"#.utf8)), status: 503)]),
        Backends.stalled("primary", path: "/catalog"),
        Backends.fast("replica", path: "/catalog", urls: ["https://shop.example/lamp"]),
    ]

    @Test("per route, per upstream and process series carry the exact counts of the traffic sent")
    func countsAfterKnownTraffic() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            for _ in 0..<3 {
                let response = await bed.gateway.get("/search")
                #expect(response.status == 200)
                #expect(response["/partial"] == .bool(true))
            }
            let hedged = await bed.gateway.get("/catalog")
            #expect(hedged.status == 200)
            #expect(hedged["/upstreams/catalog/won_by"] == .string("hedge"))
            #expect(await bed.gateway.get("/nowhere").status == 404)

            // The hedge's loser is aborted as the answer goes out; its end reaches the health just after.
            let metrics = try await Self.scrape(bed) { $0.value("gather_upstream_in_flight", Self.catalog) == 0 }

            #expect(metrics.types["gather_requests_total"] == "counter")
            #expect(metrics.types["gather_request_duration_seconds"] == "histogram")
            #expect(metrics.types["gather_request_fanout"] == "histogram")
            #expect(metrics.types["gather_request_straggler_seconds"] == "histogram")
            #expect(metrics.types["gather_merge_duration_seconds"] == "histogram")
            #expect(metrics.types["gather_upstream_attempts_total"] == "counter")
            #expect(metrics.types["gather_upstream_in_flight"] == "gauge")
            #expect(metrics.types["gather_config_reloads_total"] == "counter")

            // Per route.
            #expect(metrics.samples("gather_requests_total").count == 2)
            #expect(metrics.value("gather_requests_total", ["route": "search", "status": "200", "partial": "true"]) == 3)
            #expect(metrics.value("gather_requests_total", ["route": "catalog", "status": "200", "partial": "false"]) == 1)
            #expect(metrics.value("gather_request_duration_seconds_count", ["route": "search"]) == 3)
            #expect(metrics.value("gather_request_duration_seconds_count", ["route": "catalog"]) == 1)
            #expect(metrics.value("gather_request_fanout_count", ["route": "search"]) == 3)
            #expect(metrics.value("gather_request_fanout_sum", ["route": "search"]) == 6)
            #expect(metrics.value("gather_request_fanout_bucket", ["route": "search", "le": "1.0"]) == 0)
            #expect(metrics.value("gather_request_fanout_bucket", ["route": "search", "le": "2.0"]) == 3)
            #expect(metrics.value("gather_request_fanout_sum", ["route": "catalog"]) == 1)
            #expect(metrics.value("gather_request_straggler_seconds_count", ["route": "search"]) == 3)
            #expect(metrics.value("gather_merge_duration_seconds_count", ["route": "search"]) == 3)
            #expect(metrics.value("gather_merge_duration_seconds_count", ["route": "catalog"]) == 1)
            // The catalog's only upstream answered through a hedge sent after 50 ms.
            let straggler = try #require(metrics.value("gather_request_straggler_seconds_sum", ["route": "catalog"]))
            #expect(straggler >= 0.049 && straggler < 3, "hedge after 50ms within a 3s deadline; got \(straggler)s")
            let merge = try #require(metrics.value("gather_merge_duration_seconds_sum", ["route": "search"]))
            let total = try #require(metrics.value("gather_request_duration_seconds_sum", ["route": "search"]))
            #expect(merge > 0 && merge <= total, "merging is part of the request: \(merge)s of \(total)s")

            // Per route and upstream: outcomes, latencies, attempts by kind, in flight.
            #expect(metrics.samples("gather_upstream_requests_total").count == 3)
            #expect(metrics.value("gather_upstream_requests_total", Self.search("a", ["status": "ok"])) == 3)
            #expect(metrics.value("gather_upstream_requests_total", Self.search("down", ["status": "bad_status"])) == 3)
            #expect(metrics.value("gather_upstream_requests_total", Self.catalog.merging(["status": "ok"]) { $1 }) == 1)
            #expect(metrics.value("gather_upstream_duration_seconds_count", Self.search("a")) == 3)
            #expect(metrics.value("gather_upstream_duration_seconds_count", Self.search("down")) == 3)
            #expect(metrics.value("gather_upstream_duration_seconds_count", Self.catalog) == 1)
            let attempts = [
                (Self.search("a"), "primary", 3.0), (Self.search("a"), "hedge", 0), (Self.search("a"), "retry", 0),
                (Self.search("down"), "primary", 3), (Self.search("down"), "hedge", 0), (Self.search("down"), "retry", 0),
                (Self.catalog, "primary", 1), (Self.catalog, "hedge", 1), (Self.catalog, "retry", 0),
            ]
            #expect(metrics.samples("gather_upstream_attempts_total").count == attempts.count)
            for (labels, kind, expected) in attempts {
                let value = metrics.value("gather_upstream_attempts_total", labels.merging(["kind": kind]) { $1 })
                #expect(value == expected, "\(labels) \(kind)")
            }
            #expect(metrics.value("gather_hedges_total", Self.catalog) == 1)
            #expect(metrics.value("gather_hedges_total", Self.search("a")) == 0)
            #expect(metrics.value("gather_upstream_in_flight", Self.search("a")) == 0)
            #expect(metrics.value("gather_upstream_in_flight", Self.catalog) == 0)

            // Process.
            #expect(metrics.value("gather_requests_rejected_total", ["status": "404"]) == 1)
            #expect(metrics.value("gather_requests_in_flight") == 0)
            #expect(metrics.value("gather_routes_loaded") == 2)
            #expect(metrics.value("gather_config_reloads_total") == 0)
            #expect(metrics.value("gather_config_reload_failures_total") == 0)
        }
    }

    @Test("a stalled upstream shows in flight while its request runs")
    func upstreamInFlightIsLive() async throws {
        // No hedge: the stalled attempt stays in flight until the 1.5 s deadline, a window no
        // scheduler hiccup on a loaded machine can make the scrape miss.
        let routes: @Sendable ([String: Int]) -> String = { ports in
            """
            routes:
              - name: stalled
                match: { method: GET, path: /stalled }
                deadline: 1500ms
                upstreams:
                  - { name: primary, url: "http://127.0.0.1:\(ports["primary"]!)/catalog", items: /results }
            """
        }
        try await AdminTestbed.with(Self.backends, routes: routes) { bed in
            async let stalled = bed.gateway.get("/stalled")
            let during = try await Self.scrape(bed) { $0.value("gather_requests_in_flight") == 1 }
            #expect(during.value("gather_upstream_in_flight", ["route": "stalled", "upstream": "primary"]) == 1)
            #expect(await stalled.status == 504)
            // The aborted transfer is reaped on its transfer thread after the answer left, so the
            // upstream gauge may drop a moment after the request one.
            let after = try await Self.scrape(bed) {
                $0.value("gather_requests_in_flight") == 0
                    && $0.value("gather_upstream_in_flight", ["route": "stalled", "upstream": "primary"]) == 0
            }
            #expect(after.value("gather_upstream_in_flight", ["route": "stalled", "upstream": "primary"]) == 0)
        }
    }

    @Test("reloads are counted, refused reloads too, and attempt counts keep growing across a reload")
    func reloadsKeepCountsMonotonic() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            for _ in 0..<2 { #expect(await bed.gateway.get("/search").status == 200) }
            // A new timeout gives `down` a new live health, which starts counting from zero; `a` keeps its own.
            let changed = RouteLoader.parse(text: Self.routeFile(bed.fixtures.ports, downTimeout: "400ms", withCatalog: false),
                                            file: "changed.yaml", environment: [:])
            #expect(changed.errors.isEmpty)
            bed.server.reload(routes: changed.routes)
            bed.server.reloadFailed()
            #expect(await bed.gateway.get("/search").status == 200)

            let metrics = try await Self.scrape(bed) { _ in true }
            #expect(metrics.value("gather_config_reloads_total") == 1)
            #expect(metrics.value("gather_config_reload_failures_total") == 1)
            #expect(metrics.value("gather_routes_loaded") == 1)
            #expect(metrics.value("gather_upstream_attempts_total", Self.search("a", ["kind": "primary"])) == 3)
            #expect(metrics.value("gather_upstream_attempts_total", Self.search("down", ["kind": "primary"])) == 3)
            #expect(metrics.value("gather_requests_total", ["route": "search", "status": "200", "partial": "true"]) == 3)

            #expect(await bed.gateway.get("/search").status == 200)
            let later = try await Self.scrape(bed) { _ in true }
            #expect(later.value("gather_upstream_attempts_total", Self.search("down", ["kind": "primary"])) == 4)
        }
    }

    private static let catalog = ["route": "catalog", "upstream": "catalog"]

    private static func search(_ upstream: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["route": "search", "upstream": upstream].merging(extra) { $1 }
    }

    /// Scrapes `/metrics` until `ready` holds (or ~2 s pass), and parses it.
    private static func scrape(_ bed: AdminTestbed,
                               until ready: (PrometheusExposition) -> Bool) async throws -> PrometheusExposition {
        var metrics = try PrometheusExposition("")
        for attempt in 0..<200 {
            let response = await bed.admin.get("/metrics")
            #expect(response.status == 200)
            metrics = try PrometheusExposition(response.text)
            if ready(metrics) { break }
            if attempt < 199 { try await Task.sleep(for: .milliseconds(10)) }
        }
        return metrics
    }
}
