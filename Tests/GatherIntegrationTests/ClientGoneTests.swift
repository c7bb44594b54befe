import GatherFixtures
import Testing

@Suite("A client that leaves before its answer")
struct ClientGoneTests {
    @Test("frees its in-flight slot: the next request is not shed")
    func freesAdmission() async throws {
        try await GatewayHarness.with([Backends.stalled("stalled"), Backends.fast("fast", urls: ["https://f.example/1"])],
                                      maxInFlight: 1, routes: { ports in """
            routes:
              - name: slow
                match: { method: GET, path: /slow }
                deadline: 5s
                upstreams:
                  - { name: stalled, url: "http://127.0.0.1:\(ports["stalled"]!)/search" }
                merge: { mode: concat, items: /results }
              - name: quick
                match: { method: GET, path: /quick }
                deadline: 2s
                upstreams:
                  - { name: fast, url: "http://127.0.0.1:\(ports["fast"]!)/search" }
                merge: { mode: concat, items: /results }
            """ }) { harness in
            let abandoned = await harness.client.request("GET", "/slow", timeoutMilliseconds: 150)
            #expect(abandoned.status == 0, "the test client gave up")
            // The gateway hears of the close on its own schedule: allow it a moment.
            var status = 0
            let deadline = ContinuousClock.now + .seconds(5)
            repeat {
                status = await harness.get("/quick").status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(20))
            } while ContinuousClock.now < deadline
            #expect(status == 200, "the abandoned request still held the only in-flight slot")
        }
    }
}
