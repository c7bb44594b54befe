import GatherCore
import GatherFixtures
import GatherTestSupport
import Testing

/// The breaker end to end against an upstream that fails, then recovers: open means skipped at
/// once and nothing sent; after the cooldown exactly one probe goes through; its success closes.
@Suite("Circuit breaker: open, half-open probe, closed again")
struct CircuitBreakerRecoveryTests {
    @Test("open: skipped with nothing sent; after cooldown one probe; recovery closes")
    func opensProbesAndCloses() async throws {
        let probe = try await TestUpstream.start { .results(for: $0, status: 503) }
        defer { Task { await probe.stop() } }
        let placeholder = [Backends.fast("good", urls: ["https://good.example/1"])]
        try await GatewayHarness.with(placeholder, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 5s
                upstreams:
                  - { name: good, url: "http://127.0.0.1:\(ports["good"]!)/search" }
                  - name: flaky
                    url: "http://127.0.0.1:\(probe.port)/search"
                    circuit: { failures: 2, cooldown: 3s }
                merge: { items: /results }
            """ }) { harness in
            for _ in 0..<2 {
                #expect(await harness.get("/search").upstreamStatus("flaky") == "bad_status")
            }
            #expect(probe.requests.count == 2)

            // Open: skipped, and nothing reaches the upstream. (The cooldown is long enough that
            // these three fit in it on a loaded machine; 1.5 s was not, once.)
            for _ in 0..<3 {
                let skipped = await harness.get("/search")
                #expect(skipped.status == 200)
                #expect(skipped.upstreamStatus("flaky") == "skipped")
                #expect(skipped["/upstreams/flaky/error"] == .string("circuit open"))
                #expect(skipped["/upstreams/flaky/attempts"] == .int(0))
            }
            #expect(probe.requests.count == 2)

            // The upstream recovers but answers slowly, so the probe is still out while a second
            // request arrives: half-open lets only the probe through.
            probe.answer { .results(for: $0, status: 200, delay: .seconds(1)) }
            try await Task.sleep(for: .milliseconds(3050))
            async let probeRequest = harness.get("/search")
            try await probe.waitForRequests(3)
            let duringProbe = await harness.get("/search")
            #expect(duringProbe.upstreamStatus("flaky") == "skipped")
            #expect(probe.requests.count == 3)
            #expect(await probeRequest.upstreamStatus("flaky") == "ok")

            // Closed again: every request goes through.
            probe.answer { .results(for: $0, status: 200) }
            for _ in 0..<3 {
                #expect(await harness.get("/search").upstreamStatus("flaky") == "ok")
            }
            #expect(probe.requests.count == 6)
        }
    }
}
