import GatherCore
import GatherFixtures
import GatherTestSupport
import Testing

/// `shards: 200` with `max_parallel: 32`: every shard answers, and the upstream never holds more
/// than 32 of this request's attempts at once (measured at the upstream).
@Suite("Large sharded fan-out under max_parallel")
struct ShardParallelismTests {
    @Test("200 shards, max_parallel 32: all ok, peak concurrency at the upstream within 2…32")
    func twoHundredShardsAtMostThirtyTwoAtOnce() async throws {
        let probe = try await TestUpstream.start { .results(for: $0, status: 200, delay: .milliseconds(5)) }
        defer { Task { await probe.stop() } }
        let placeholder = [Backends.fast("unused", urls: ["https://unused.example/1"])]
        try await GatewayHarness.with(placeholder, routes: { _ in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 20s
                max_parallel: 32
                upstreams:
                  - name: shard
                    shards: 200
                    url: "http://127.0.0.1:\(probe.port)/shard/{shard}"
                merge: { items: /results }
            """ }) { harness in
            let response = await harness.get("/search")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(false))
            let okShards = (0..<200).filter { response.upstreamStatus("shard-\($0)") == "ok" }
            #expect(okShards.count == 200)
            if case .array(let items)? = response["/items"] {
                #expect(items.count == 200, "one item per shard")
            } else {
                Issue.record("no items array")
            }
            #expect(probe.requests.count == 200)
            #expect(probe.peakInFlight <= 32, "peak \(probe.peakInFlight)")
            #expect(probe.peakInFlight > 1, "the shards ran in parallel (peak \(probe.peakInFlight))")
        }
    }
}
