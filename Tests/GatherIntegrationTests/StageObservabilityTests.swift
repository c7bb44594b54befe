import GatherCore
import GatherFixtures
import Testing

/// Stages and maps on /metrics and in progressive answers.
@Suite("stages: metrics and progressive answers")
struct StageObservabilityTests {
    private static let backends = [
        Backends.backend("users", [FixturePath(path: "/users/1", body: .text(#"{"id":1,"org":"o7","items":[{"sku":"a"},{"sku":"b"},{"sku":"c"}]}"#),
                                               latency: .fixed(.milliseconds(20)))]),
        Backends.backend("orgs", [FixturePath(path: "/orgs/o7", body: .text(#"{"name":"Engines"}"#))]),
        Backends.backend("prices", [FixturePath(path: "/p", body: .text(#"{"amount":1}"#))]),
    ]

    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: staged
            match: { method: GET, path: /staged }
            deadline: 2s
            upstreams:
              - name: user
                url: "http://127.0.0.1:\(ports["users"]!)/users/1"
                items: /items
              - name: org
                url: "http://127.0.0.1:\(ports["orgs"]!)/orgs/{from.user/org}"
                needs: [user]
                items: /none
              - name: price
                url: "http://127.0.0.1:\(ports["prices"]!)/p?sku={item/sku}"
                each: { from: user, items: /items, attach: price }
            merge: { mode: concat, provenance: false }
          - name: plain
            match: { method: GET, path: /plain }
            deadline: 2s
            upstreams:
              - name: user
                url: "http://127.0.0.1:\(ports["users"]!)/users/1"
                items: /items
        """ }

    @Test("/metrics: stages reached and map calls per answer; the map's calls fold into one upstream series")
    func stageMetrics() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            let response = await bed.gateway.get("/staged")
            #expect(response.status == 200)
            #expect(response["/items/2/price/amount"] == .int(1))
            #expect(await bed.gateway.get("/plain").status == 200)
            var metrics = try PrometheusExposition("")
            for _ in 0..<100 {
                metrics = try PrometheusExposition((await bed.admin.get("/metrics")).text)
                if metrics.value("gather_request_map_calls_count", ["route": "staged"]) == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(metrics.types["gather_request_stages"] == "histogram")
            #expect(metrics.types["gather_request_map_calls"] == "histogram")
            #expect(metrics.value("gather_request_stages_bucket", ["route": "staged", "le": "1.0"]) == 0)
            #expect(metrics.value("gather_request_stages_bucket", ["route": "staged", "le": "2.0"]) == 1)
            #expect(metrics.value("gather_request_stages_sum", ["route": "staged"]) == 2)
            #expect(metrics.value("gather_request_map_calls_sum", ["route": "staged"]) == 3)
            // A route without stages records neither.
            #expect(metrics.value("gather_request_stages_count", ["route": "plain"]) == 0)
            // One series per route upstream: the three calls are price's.
            #expect(metrics.value("gather_upstream_requests_total", ["route": "staged", "upstream": "price", "status": "ok"]) == 1)
        }
    }

    @Test("progressive: the need's event first, then the dependent's and each map call's, then the result")
    func progressiveStages() async throws {
        try await AdminTestbed.with(Self.backends, routes: Self.routes) { bed in
            let response = await bed.gateway.get("/staged", headers: [("Accept", "text/event-stream")])
            #expect(response.status == 200)
            let events = ServerSentEvents.parse(response.text)
            #expect(events.map(\.event) == ["upstream", "upstream", "upstream", "upstream", "upstream", "result"])
            let names = events.dropLast().compactMap { try? JSONParser.parse(Array($0.data.utf8)) }
                .compactMap { JSONPointer("/name")!.resolve(in: $0)?.stringValue }
            #expect(names.first == "user")
            #expect(Set(names.dropFirst()) == ["org", "price[0]", "price[1]", "price[2]"])
            let call = try #require(events.first { $0.data.contains(#""name":"price[1]""#) })
            #expect(call.data.contains(#""data":{"amount":1}"#))
        }
    }

    @Test("a later stage holds no max_in_flight place while it waits for its need: admitted when released")
    func lateAdmission() async throws {
        let backends = [
            Backends.backend("users", [FixturePath(path: "/users/1", body: .text(#"{"org":"o7"}"#), latency: .fixed(.seconds(2)))]),
            Backends.backend("orgs", [FixturePath(path: "/orgs/o7", body: .text(#"{"name":"Engines"}"#))]),
        ]
        try await AdminTestbed.with(backends, routes: { ports in """
            routes:
              - name: late
                match: { method: GET, path: /late }
                deadline: 5s
                upstreams:
                  - { name: user, url: "http://127.0.0.1:\(ports["users"]!)/users/1" }
                  - { name: org, url: "http://127.0.0.1:\(ports["orgs"]!)/orgs/{from.user/org}", max_in_flight: 1 }
                merge: { mode: object }
            """ }) { bed in
            let request = Task { await bed.gateway.get("/late") }
            var upstreams = await bed.admin.get("/upstreams")
            // The user's request is out for 2 s: long enough to be seen on a loaded machine.
            for _ in 0..<200 where upstreams["/routes/0/upstreams/0/in_flight"] != .int(1) {
                try await Task.sleep(for: .milliseconds(5))
                upstreams = await bed.admin.get("/upstreams")
            }
            #expect(upstreams["/routes/0/upstreams/0/in_flight"] == .int(1), "the user's request is out")
            #expect(upstreams["/routes/0/upstreams/1/in_flight"] == .int(0), "org waits for the user without a place")
            let response = await request.value
            #expect(response.status == 200)
            #expect(response["/data/name"] == .string("Engines"))
            #expect(response.upstreamStatus("org") == "ok")
            let after = await bed.admin.get("/upstreams")
            #expect(after["/routes/0/upstreams/1/in_flight"] == .int(0))
            #expect(after["/routes/0/upstreams/1/primaries"] == .int(1))
        }
    }
}
