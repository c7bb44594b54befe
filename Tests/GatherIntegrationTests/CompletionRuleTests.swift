import GatherCore
import GatherFixtures
import Testing

@Suite("Completion rules through the real gateway")
struct CompletionRuleTests {
    @Test("all: every engine's results, concatenated in route order, duplicates folded")
    func allRuleMerges() async throws {
        let backends = [
            Backends.fast("a", urls: ["https://x.example/1", "https://x.example/2"]),
            Backends.fast("b", urls: ["https://WWW.x.example/2/", "https://x.example/3"]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 2s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search?q={query.q}" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search?q={query.q}" }
                merge: { items: /results, dedupe: { key: /url, normalize: url } }
            """ }) { harness in
            let response = await harness.get("/search?q=x")
            #expect(response.status == 200)
            #expect(response.header("Gather-Partial") == "false")
            #expect(response.header("Content-Type") == "application/json")
            let urls = response["/items"]?.arrayValue?.compactMap { JSONPointer("/url")!.resolve(in: $0)?.stringValue }
            #expect(urls == ["https://x.example/1", "https://x.example/2", "https://x.example/3"])
            #expect(response["/items/1/_sources"] == .array([.string("a"), .string("b")]))
            #expect(response["/partial"] == .bool(false))
            #expect(response.upstreamStatus("a") == "ok")
            #expect(response["/upstreams/a/count"] == .int(2))
            #expect(response["/upstreams/b/count"] == .int(2))
            #expect(response["/upstreams/b/attempts"] == .int(1))
            let timing = try #require(response.header("Server-Timing"))
            #expect(timing.hasPrefix("a;dur="))
            #expect(timing.contains(", b;dur="))
        }
    }

    @Test("quorum: answers once K are ok; the straggler is cancelled, which is not partial")
    func quorumCancelsStraggler() async throws {
        let backends = [
            Backends.fast("a", urls: ["https://a.example/1"]),
            Backends.fast("b", urls: ["https://b.example/1"]),
            Backends.stalled("c"),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: q
                match: { method: GET, path: /q }
                deadline: 3s
                complete: quorum
                quorum: 2
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
                  - { name: c, url: "http://127.0.0.1:\(ports["c"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            let response = await harness.get("/q")
            #expect(response.status == 200)
            #expect(response.upstreamStatus("c") == "cancelled")
            #expect(response["/partial"] == .bool(false))
            #expect(response.header("Gather-Partial") == "false")
            #expect(response["/items"]?.arrayValue?.count == 2)
            // `cancelled` is the proof (at the 3 s deadline it would be `timeout`); the client's
            // clock also counts a loaded machine's scheduling.
            #expect(response.elapsedMilliseconds < 2_900, "quorum must not wait for the stalled upstream")
        }
    }

    @Test("first: the first 2xx passes through byte for byte; a faster non-2xx is not a win")
    func firstPassesThrough() async throws {
        let exact = Array(#"{ "id" : 42,   "region": "us" }"#.utf8)
        let backends = [
            Backends.backend("broken", [FixturePath(path: "/item", body: .text("{}"), status: 503)]),
            Backends.backend("slow", [FixturePath(path: "/item", body: .bytes(exact), contentType: "application/vnd.item+json",
                                                  latency: .fixed(.milliseconds(30)))]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: item
                match: { method: GET, path: /item }
                deadline: 2s
                complete: first
                upstreams:
                  - { name: broken, url: "http://127.0.0.1:\(ports["broken"]!)/item" }
                  - { name: slow, url: "http://127.0.0.1:\(ports["slow"]!)/item" }
            """ }) { harness in
            let response = await harness.get("/item")
            #expect(response.status == 200)
            #expect(response.body == exact)
            #expect(response.header("Content-Type") == "application/vnd.item+json")
            #expect(response.header("Gather-Winner") == "slow")
            #expect(response.header("Gather-Partial") == "false")
            #expect(response.header("X-Request-Id") != nil)
            #expect(response.header("Server-Timing")?.contains("slow;dur=") == true)
        }
    }

    @Test("first: when nothing wins the answer is the envelope with 502")
    func firstWithoutWinner() async throws {
        let backends = [
            Backends.backend("a", [FixturePath(path: "/item", body: .text("{}"), status: 500)]),
            Backends.backend("b", [FixturePath(path: "/item", body: .text("{}"), status: 404)]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: item
                match: { method: GET, path: /item }
                deadline: 2s
                complete: first
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/item" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/item" }
            """ }) { harness in
            let response = await harness.get("/item")
            #expect(response.status == 502)
            #expect(response["/upstreams/a/status"] == .string("bad_status"))
            #expect(response["/upstreams/a/http_status"] == .int(500))
            #expect(response["/upstreams/b/http_status"] == .int(404))
            #expect(response["/partial"] == .bool(true))
            #expect(response["/items"] == .array([]))
        }
    }

    @Test("min_ok: fewer successes than asked is a 502 with the envelope, or 504 when one timed out")
    func minOKDecidesStatus() async throws {
        let backends = [
            Backends.fast("a", urls: ["https://a.example/1"]),
            Backends.backend("b", [FixturePath(path: "/search", body: .text("{}"), status: 500)]),
            Backends.stalled("c"),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: two-of-two
                match: { method: GET, path: /strict }
                deadline: 2s
                min_ok: 2
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
                merge: { items: /results }
              - name: with-timeout
                match: { method: GET, path: /timeout }
                deadline: 150ms
                min_ok: 2
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
                  - { name: c, url: "http://127.0.0.1:\(ports["c"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            let strict = await harness.get("/strict")
            #expect(strict.status == 502)
            #expect(strict["/items"]?.arrayValue?.count == 1)
            #expect(strict.upstreamStatus("b") == "bad_status")
            let timedOut = await harness.get("/timeout")
            #expect(timedOut.status == 504)
            #expect(timedOut.upstreamStatus("c") == "timeout")
            #expect(timedOut.header("Gather-Partial") == "true")
        }
    }
}
