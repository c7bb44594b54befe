import GatherCore
import GatherFixtures
import Testing

@Suite("Deadlines and hedging through the real gateway")
struct DeadlineAndHedgeTests {
    @Test("a stalled upstream under a 1s deadline: 200, partial, timeout, answered within the budget")
    func stalledUpstreamIsPartial() async throws {
        let backends = [
            Backends.fast("a", urls: ["https://a.example/1"]),
            Backends.stalled("b"),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 1s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            _ = await harness.get("/search")  // warm the connections: the budget is about the fan-out
            let response = await harness.get("/search")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(true))
            #expect(response.header("Gather-Partial") == "true")
            #expect(response.upstreamStatus("b") == "timeout")
            #expect(response.upstreamStatus("a") == "ok")
            #expect(response.elapsedMilliseconds >= 990)
            // The straggler stalls for 10 s: well under that is the deadline at work (the
            // client's clock also counts a loaded machine's scheduling, so no tighter bound). The
            // deadline is 1 s, not less, so that the fast upstream answers within it also on a
            // loaded machine (at 200ms, one parallel run here timed it out too).
            #expect(response.elapsedMilliseconds < 5_000, "deadline 1s; got \(response.elapsedMilliseconds)ms")
            let ms = try #require(response["/upstreams/b/ms"]?.numberValue)
            #expect(ms >= 999 && ms < 1_500)
            #expect(response.header("Server-Timing")?.contains(#"b;dur=1000.0;desc="timeout""#) == true)
        }
    }

    @Test("a hedge to the replica beats a stalled primary; the loser is aborted")
    func hedgeWins() async throws {
        let backends = [
            Backends.stalled("primary", path: "/catalog"),
            Backends.fast("replica", path: "/catalog", urls: ["https://shop.example/lamp"]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: catalog
                match: { method: GET, path: /catalog }
                deadline: 8s
                upstreams:
                  - name: catalog
                    url: "http://127.0.0.1:\(ports["primary"]!)/catalog"
                    replicas: ["http://127.0.0.1:\(ports["replica"]!)/catalog"]
                    hedge: { after: 50ms, max: 1 }
                    items: /results
            """ }) { harness in
            let response = await harness.get("/catalog")
            #expect(response.status == 200)
            #expect(response["/upstreams/catalog/won_by"] == .string("hedge"))
            #expect(response["/upstreams/catalog/hedged"] == .bool(true))
            #expect(response["/upstreams/catalog/attempts"] == .int(2))
            #expect(response["/partial"] == .bool(false))
            #expect(response["/items/0/url"] == .string("https://shop.example/lamp"))
            #expect(response.elapsedMilliseconds >= 50)
            // The primary stalls for 10 s and the deadline is 8 s, so `won_by: hedge` is the proof;
            // this bound only says the hedge went out long before either (the client's clock also
            // counts a loaded machine's scheduling: a CI run at full parallelism took 2.06 s).
            #expect(response.elapsedMilliseconds < 5_000, """
                hedge after 50ms; got \(response.elapsedMilliseconds)ms; Server-Timing \
                \(response.header("Server-Timing") ?? "-"); \(response.text)
                """)
        }
    }

    @Test("a hedge on a single URL goes out on a fresh connection")
    func hedgeWithoutReplicaUsesFreshConnection() async throws {
        // Every other request stalls: the primary stalls, the hedge on a new connection answers.
        let flaky = Backends.backend("flaky", [FixturePath(path: "/search", body: Backends.results(["https://f.example/1"]),
                                                           stall: FixtureStall(rate: 1, duration: .seconds(10)))])
        try await GatewayHarness.with([flaky], routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 300ms
                upstreams:
                  - name: flaky
                    url: "http://127.0.0.1:\(ports["flaky"]!)/search"
                    hedge: { after: 50ms, max: 2 }
                    items: /results
            """ }) { harness in
            let response = await harness.get("/search")
            #expect(response.upstreamStatus("flaky") == "timeout")
            #expect(response["/upstreams/flaky/attempts"] == .int(3))
            #expect(harness.fixtures.connectionsAccepted(of: "flaky") == 3)
        }
    }
}
