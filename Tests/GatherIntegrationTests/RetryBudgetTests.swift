import GatherCore
import GatherFixtures
import GatherTestSupport
import Testing

/// A failing upstream must not see its load multiplied by `retry.attempts`: the retry budget
/// (10% of primaries unless set) caps what reaches it, counted at the upstream itself.
@Suite("Retry budget and idempotency, counted at a failing upstream")
struct RetryBudgetTests {
    private static func route(method: String, port: Int, idempotent: Bool = false) -> String { """
        routes:
          - name: search
            match: { method: \(method), path: /search }
            deadline: 2s
            upstreams:
              - name: down
                url: "http://127.0.0.1:\(port)/search"
                retry: { attempts: 2, on: [5xx], backoff: 1ms }
        \(idempotent ? "        idempotent: true" : "")
            merge: { items: /results }
        """ }

    private static let placeholder = [Backends.fast("unused", urls: ["https://unused.example/1"])]

    /// 40 requests (4 waves of 10 at once) against an always-503 upstream with `attempts: 2`:
    /// without a budget it would see 80; with the default 10% it sees the 40 primaries, the
    /// cold-start retry, and one retry per 10 primaries: at most 45.
    @Test("always 503, attempts 2, 40 requests: the upstream sees at most 40 + 1 + 4")
    func defaultBudgetCapsRetries() async throws {
        let probe = try await TestUpstream.start { .results(for: $0, status: 503) }
        defer { Task { await probe.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(method: "GET", port: probe.port) }) { harness in
            var attemptsReported = 0
            for _ in 0..<4 {
                let responses = await withTaskGroup(of: TestResponse.self) { group in
                    for _ in 0..<10 { group.addTask { await harness.get("/search") } }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                for response in responses {
                    #expect(response.status == 502)
                    #expect(response.upstreamStatus("down") == "bad_status")
                    attemptsReported += Int(response["/upstreams/down/attempts"]?.numberValue ?? 0)
                }
            }
            #expect(probe.requests.count == attemptsReported, "every attempt the envelope reports reached the upstream")
            #expect(probe.requests.count >= 41, "the cold-start retry was sent: retries work at all")
            #expect(probe.requests.count <= 45, "at most 40 primaries + 1 + 10% retries, saw \(probe.requests.count)")
        }
    }

    @Test("POST is not repeated: no retries unless the upstream says idempotent: true")
    func postIsNotRetriedUnlessIdempotent() async throws {
        let probe = try await TestUpstream.start { .results(for: $0, status: 503) }
        defer { Task { await probe.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(method: "POST", port: probe.port) }) { harness in
            let response = await harness.client.request("POST", "/search", body: Array("{}".utf8))
            #expect(response.upstreamStatus("down") == "bad_status")
            #expect(response["/upstreams/down/attempts"] == .int(1))
            #expect(probe.requests.count == 1)
        }
        let marked = try await TestUpstream.start { .results(for: $0, status: 503) }
        defer { Task { await marked.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in
            Self.route(method: "POST", port: marked.port, idempotent: true)
        }) { harness in
            let response = await harness.client.request("POST", "/search", body: Array("{}".utf8))
            #expect(response["/upstreams/down/attempts"] == .int(2))
            #expect(marked.requests.count == 2)
        }
    }
}
