import GatherCore
import GatherFixtures
import GatherServer
import GatherTestSupport
import Testing

@Suite("Access log: one line per request")
struct AccessLogTests {
    static let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 300ms
            upstreams:
              - { name: fast, url: "http://127.0.0.1:\(ports["fast"]!)/search?q={query.q}" }
              - { name: stalled, url: "http://127.0.0.1:\(ports["stalled"]!)/search?q={query.q}" }
            merge: { mode: concat, items: /results }
          - name: first
            match: { method: GET, path: /first }
            deadline: 2s
            complete: first
            upstreams:
              - { name: winner, url: "http://127.0.0.1:\(ports["fast"]!)/search" }
          - name: slow
            match: { method: GET, path: /slow }
            deadline: 5s
            upstreams:
              - { name: stalled, url: "http://127.0.0.1:\(ports["stalled"]!)/search" }
            merge: { mode: concat, items: /results }
        """ }

    private static var backends: [FixtureBackend] {
        [Backends.fast("fast", urls: ["https://a.example/1"]), Backends.stalled("stalled")]
    }

    @Test("an aggregated answer: route, method, path without query, status, partial, ms, ids, upstreams")
    func aggregated() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        try await GatewayHarness.with(Self.backends, logger: log.logger, routes: Self.routes) { harness in
            let response = await harness.get("/search?q=secret-term", headers: [
                ("X-Request-Id", "req-42"), ("traceparent", Self.traceparent),
            ])
            #expect(response.status == 200)
            let lines = log.accessLines
            try #require(lines.count == 1)
            let line = lines[0]
            #expect(line["/level"] == .string("info"))
            #expect(line["/route"] == .string("search"))
            #expect(line["/method"] == .string("GET"))
            #expect(line["/path"] == .string("/search"))
            #expect(line["/status"] == .int(200))
            #expect(line["/partial"] == .bool(true))
            #expect(line["/request_id"] == .string("req-42"))
            #expect(line["/trace_id"] == .string("0af7651916cd43dd8448eb211c80319c"))
            let ms = try #require(line["/ms"]?.numberValue)
            #expect(ms >= 250 && ms < 5000, "the answer left at the 300ms deadline")
            let upstreams = try #require(line["/upstreams"]?.stringValue)
            let parts = upstreams.split(separator: ",").map { $0.split(separator: ":").map(String.init) }
            #expect(parts.map { $0.prefix(2) } == [["fast", "ok"], ["stalled", "timeout"]])
            #expect(parts.allSatisfy { $0.count == 3 && Double($0[2]) != nil })
            #expect(!log.lines.joined().contains("secret-term"), "query strings stay out of the log")
            let timestamp = try #require(line["/ts"]?.stringValue)
            #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"), "RFC 3339 UTC with milliseconds: \(timestamp)")
        }
    }

    @Test("complete: first names the winner; a progressive answer is logged when it ends")
    func winnerAndProgressive() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        try await GatewayHarness.with(Self.backends, logger: log.logger, routes: Self.routes) { harness in
            #expect(await harness.get("/first").status == 200)
            let streamed = await harness.get("/search?q=x", headers: [("Accept", "text/event-stream")])
            #expect(streamed.status == 200)
            let lines = log.accessLines
            try #require(lines.count == 2)
            #expect(lines[0]["/route"] == .string("first"))
            #expect(lines[0]["/winner"] == .string("winner"))
            #expect(lines[0]["/upstreams"]?.stringValue?.hasPrefix("winner:ok:") == true)
            #expect(lines[1]["/route"] == .string("search"))
            #expect(lines[1]["/status"] == .int(200))
            #expect(lines[1]["/winner"] == nil)
        }
    }

    @Test("rejected requests get a line too: no route, the status, the request id the client saw")
    func rejected() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        var limits = ClientLimits()
        limits.maxBodyBytes = 16
        try await GatewayHarness.with(Self.backends, limits: limits, logger: log.logger, routes: Self.routes) { harness in
            let notFound = await harness.get("/nope?token=abc")
            #expect(notFound.status == 404)
            let missing = await harness.get("/search")  // {query.q} missing: 400
            #expect(missing.status == 400)
            let tooLarge = await harness.client.request("POST", "/search?q=x", body: Array(repeating: 0x41, count: 64))
            #expect(tooLarge.status == 413)
            _ = try RawHTTPClient(port: harness.gateway.port).exchange("GARBAGE\u{1}\u{2} / HTTP/9\r\n\r\n")
            let lines = try await log.waitForAccessLines(4)
            try #require(lines.count == 4)
            #expect(lines.map { $0["/status"] } == [.int(404), .int(400), .int(413), .int(400)])
            #expect(lines[0]["/route"] == .null)
            #expect(lines[0]["/path"] == .string("/nope"))
            #expect(lines[0]["/request_id"]?.stringValue == notFound.header("X-Request-Id"))
            #expect(lines[1]["/route"] == .string("search"), "matched, then refused for its missing value")
            #expect(lines[1]["/request_id"]?.stringValue == missing.header("X-Request-Id"))
            #expect(lines[2]["/method"] == .string("POST"))
            #expect(lines[2]["/request_id"]?.stringValue == tooLarge.header("X-Request-Id"))
            #expect(tooLarge.header("X-Request-Id")?.count == 32)
            #expect(lines[3]["/method"] == .string("-"), "a request that did not parse has no method")
            #expect(lines.allSatisfy { $0["/upstreams"] == nil })
        }
    }

    @Test("a request shed at --max-in-flight gets a 503 line without a route")
    func shed() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        try await GatewayHarness.with(Self.backends, maxInFlight: 1, logger: log.logger, routes: Self.routes) { harness in
            async let holding = harness.client.request("GET", "/slow", timeoutMilliseconds: 1000)
            try await harness.waitForConnection(to: "stalled")
            let shed = await harness.get("/first")
            #expect(shed.status == 503)
            #expect(await holding.status == 0, "the test client gave up on the stalled request")
            let lines = try await log.waitForAccessLines(2)
            try #require(lines.count == 2)
            #expect(lines[0]["/status"] == .int(503))
            #expect(lines[0]["/route"] == .null)
            #expect(lines[0]["/request_id"]?.stringValue == shed.header("X-Request-Id"))
            #expect(lines[1]["/status"] == .int(499))
        }
    }

    @Test("a client that gives up before the answer is logged as 499")
    func clientGone() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        try await GatewayHarness.with(Self.backends, logger: log.logger, routes: Self.routes) { harness in
            let response = await harness.client.request("GET", "/slow", timeoutMilliseconds: 150)
            #expect(response.status == 0, "the test client timed out")
            let lines = try await log.waitForAccessLines(1)
            try #require(lines.count == 1)
            #expect(lines[0]["/status"] == .int(499))
            #expect(lines[0]["/route"] == .string("slow"))
        }
    }

    @Test("--log-level warning and --access-log off silence the access log")
    func silenced() async throws {
        let quiet = CapturedLog(level: .warning)
        defer { quiet.stop() }
        try await GatewayHarness.with(Self.backends, logger: quiet.logger, routes: Self.routes) { harness in
            #expect(await harness.get("/first").status == 200)
            #expect(await harness.get("/nope").status == 404)
            #expect(quiet.lines.isEmpty)
        }
        let off = CapturedLog()
        defer { off.stop() }
        try await GatewayHarness.with(Self.backends, logger: off.logger, accessLog: false, routes: Self.routes) { harness in
            #expect(await harness.get("/first").status == 200)
            #expect(await harness.get("/nope").status == 404)
            #expect(off.accessLines.isEmpty)
        }
    }
}
