import GatherCore
import GatherFixtures
import Testing

@Suite("Every upstream failure status")
struct UpstreamFailureTests {
    @Test("error, bad_status, bad_body, too_large and timeout are told apart")
    func failureStatuses() async throws {
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: 200_000)
        let backends = [
            Backends.fast("good", urls: ["https://g.example/1"]),
            Backends.backend("chaos", [
                FixturePath(path: "/reset", body: Backends.results([]), reset: 1),
                FixturePath(path: "/garbage", body: Backends.results([]), garbage: 1),
                FixturePath(path: "/truncate", body: Backends.results(["https://t.example/1"]), truncate: 1),
                FixturePath(path: "/error", body: .text("{}"), status: 503),
                FixturePath(path: "/notjson", body: .text("this is not json"), contentType: "text/plain"),
                FixturePath(path: "/noresults", body: .bytes(Array(#"{"hits":[]}"#.utf8))),
                FixturePath(path: "/huge", body: .bytes(Array("[".utf8) + huge + Array("]".utf8))),
                FixturePath(path: "/slow", body: Backends.results([]), stall: FixtureStall(rate: 1, duration: .seconds(10))),
            ]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in
            let chaos = "http://127.0.0.1:\(ports["chaos"]!)"
            return """
            routes:
              - name: failures
                match: { method: GET, path: /failures }
                deadline: 3s
                merge: { items: /results }
                upstreams:
                  - { name: good, url: "http://127.0.0.1:\(ports["good"]!)/search" }
                  - { name: reset, url: "\(chaos)/reset" }
                  - { name: garbage, url: "\(chaos)/garbage" }
                  - { name: truncated, url: "\(chaos)/truncate" }
                  - { name: unavailable, url: "\(chaos)/error" }
                  - { name: notjson, url: "\(chaos)/notjson" }
                  - { name: noresults, url: "\(chaos)/noresults" }
                  - { name: huge, url: "\(chaos)/huge", max_body: 64KiB, items: "" }
                  - { name: slow, url: "\(chaos)/slow", timeout: 100ms }
                  - { name: refused, url: "http://127.0.0.1:1/nothing" }
            """ }) { harness in
            let response = await harness.get("/failures")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(true))
            #expect(response.upstreamStatus("good") == "ok")
            #expect(response.upstreamStatus("reset") == "error")
            #expect(response.upstreamStatus("garbage") == "error")
            #expect(response.upstreamStatus("truncated") == "error")
            #expect(response.upstreamStatus("unavailable") == "bad_status")
            #expect(response["/upstreams/unavailable/http_status"] == .int(503))
            #expect(response.upstreamStatus("notjson") == "bad_body")
            #expect(response.upstreamStatus("noresults") == "bad_body")
            #expect(response.upstreamStatus("huge") == "too_large")
            #expect(response.upstreamStatus("slow") == "timeout")
            let slowMs = try #require(response["/upstreams/slow/ms"]?.numberValue)
            #expect(slowMs >= 99 && slowMs < 1_000, "per-attempt timeout 100ms; got \(slowMs)")
            #expect(response.upstreamStatus("refused") == "error")
            #expect(response["/items"]?.arrayValue?.count == 1)
        }
    }
}
