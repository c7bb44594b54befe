import GatherCore
import GatherFixtures
import Testing

@Suite("Retries, circuit breaking and per-upstream limits through the real gateway")
struct ResilienceTests {
    @Test("a 503 from the primary is retried on the replica; won_by retry")
    func retryOnReplica() async throws {
        let backends = [
            Backends.backend("down", [FixturePath(path: "/search", body: .text("{}"), status: 503)]),
            Backends.fast("up", urls: ["https://up.example/1"]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 2s
                upstreams:
                  - name: svc
                    url: "http://127.0.0.1:\(ports["down"]!)/search"
                    replicas: ["http://127.0.0.1:\(ports["up"]!)/search"]
                    retry: { attempts: 2, on: [5xx], backoff: 5ms }
                merge: { items: /results }
            """ }) { harness in
            // P2C may pick either replica as the primary; ask until the primary was the broken one.
            var sawRetry = false
            for _ in 0..<20 where !sawRetry {
                let response = await harness.get("/search")
                #expect(response.status == 200)
                #expect(response.upstreamStatus("svc") == "ok")
                if response["/upstreams/svc/won_by"] == .string("retry") {
                    sawRetry = true
                    #expect(response["/upstreams/svc/attempts"] == .int(2))
                }
            }
            #expect(sawRetry)
        }
    }

    @Test("after `failures` consecutive failures the circuit opens: the upstream is skipped, not sent")
    func circuitOpens() async throws {
        let backends = [
            Backends.fast("good", urls: ["https://good.example/1"]),
            Backends.backend("bad", [FixturePath(path: "/search", body: .text("{}"), status: 500)]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 2s
                upstreams:
                  - { name: good, url: "http://127.0.0.1:\(ports["good"]!)/search" }
                  - name: bad
                    url: "http://127.0.0.1:\(ports["bad"]!)/search"
                    circuit: { failures: 2, cooldown: 30s }
                merge: { items: /results }
            """ }) { harness in
            for _ in 0..<2 {
                let response = await harness.get("/search")
                #expect(response.upstreamStatus("bad") == "bad_status")
            }
            let third = await harness.get("/search")
            #expect(third.status == 200)
            #expect(third.upstreamStatus("bad") == "skipped")
            #expect(third["/upstreams/bad/attempts"] == .int(0))
            #expect(third["/upstreams/bad/error"] == .string("circuit open"))
            #expect(third["/partial"] == .bool(true))
            #expect(harness.fixtures.requestsServed(of: "bad") == 2)

            // A reload that leaves the upstream as it was keeps its live health: still open.
            harness.gateway.reload(routes: harness.gateway.routes)
            let afterReload = await harness.get("/search")
            #expect(afterReload.upstreamStatus("bad") == "skipped")
            #expect(harness.fixtures.requestsServed(of: "bad") == 2)
        }
    }

    private static let limitedRoute: @Sendable (_ deadline: String) -> @Sendable ([String: Int]) -> String = { deadline in { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: \(deadline)
            upstreams:
              - { name: good, url: "http://127.0.0.1:\(ports["good"]!)/search" }
              - { name: slow, url: "http://127.0.0.1:\(ports["slow"]!)/search", max_in_flight: 1 }
            merge: { items: /results }
        """ } }

    @Test("max_in_flight: past the limit a request waits for a slot while its deadline allows")
    func maxInFlightWaits() async throws {
        let backends = [
            Backends.fast("good", urls: ["https://good.example/1"]),
            Backends.backend("slow", [FixturePath(path: "/search", body: Backends.results(["https://s.example/1"]),
                                                  latency: .fixed(.milliseconds(300)))]),
        ]
        try await GatewayHarness.with(backends, routes: Self.limitedRoute("5s")) { harness in
            async let first = harness.get("/search")
            try await harness.waitForConnection(to: "slow")
            let second = await harness.get("/search")
            let firstResponse = await first
            #expect(firstResponse.upstreamStatus("slow") == "ok")
            #expect(second.upstreamStatus("slow") == "ok", "the second waited for the first's slot")
            #expect(harness.fixtures.requestsServed(of: "slow") == 2)
        }
    }

    @Test("max_in_flight: requests queued behind a stalled upstream end by their deadline and give every slot back")
    func maxInFlightWaitsOut() async throws {
        let backends = [Backends.fast("good", urls: ["https://good.example/1"]), Backends.stalled("slow")]
        // 1 s, so that `good` answers all three within it also on a loaded machine.
        try await GatewayHarness.with(backends, routes: Self.limitedRoute("1s")) { harness in
            async let first = harness.get("/search")
            try await harness.waitForConnection(to: "slow")
            async let second = harness.get("/search")
            async let third = harness.get("/search")
            let responses = await [first, second, third]
            let statuses = responses.compactMap { $0.upstreamStatus("slow") }
            #expect(statuses.count == 3)
            #expect(statuses.allSatisfy { $0 == "timeout" || $0 == "skipped" })
            #expect(statuses.filter { $0 == "timeout" }.count >= 1)
            for response in responses where response.upstreamStatus("slow") == "skipped" {
                #expect(response["/upstreams/slow/attempts"] == .int(0))
                #expect(response["/upstreams/slow/error"]?.stringValue?.hasPrefix("max_in_flight") == true)
            }
            #expect(responses.allSatisfy { $0.status == 200 }, "good answered; min_ok 1")
            // Every slot came back: a later request is admitted and sent.
            let later = await harness.get("/search")
            #expect(later.upstreamStatus("slow") == "timeout")
            #expect(later["/upstreams/slow/attempts"] == .int(1))
        }
    }
}
