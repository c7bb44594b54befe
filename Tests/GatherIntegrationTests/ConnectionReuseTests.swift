import GatherFixtures
import Testing

@Suite("Upstream connections")
struct ConnectionReuseTests {
    @Test("100 sequential gateway requests open only a handful of upstream connections")
    func keepAliveReuse() async throws {
        let backends = [Backends.fast("a", urls: ["https://a.example/1"]), Backends.fast("b", urls: ["https://b.example/1"])]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 2s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            for _ in 0..<100 {
                let response = await harness.get("/search")
                #expect(response.status == 200)
            }
            #expect(harness.fixtures.requestsServed(of: "a") == 100)
            #expect(harness.fixtures.connectionsAccepted(of: "a") <= 3)
            #expect(harness.fixtures.connectionsAccepted(of: "b") <= 3)
        }
    }

    @Test("stragglers aborted at the deadline do not keep their connections")
    func abortedConnectionsAreClosed() async throws {
        let backends = [Backends.stalled("slow")]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 100ms
                upstreams:
                  - { name: slow, url: "http://127.0.0.1:\(ports["slow"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            for _ in 0..<5 {
                let response = await harness.get("/search")
                #expect(response.status == 504)
                #expect(response.upstreamStatus("slow") == "timeout")
            }
            // Each aborted transfer closed its connection, so each request needed a new one.
            #expect(harness.fixtures.connectionsAccepted(of: "slow") == 5)
        }
    }
}
