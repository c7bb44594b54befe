import GatherCore
import GatherFixtures
import GatherServer
import GatherTestSupport
import Testing

@Suite("Bad client input gets a 4xx JSON error, never a crash or a hang")
struct ClientErrorTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
            merge: { items: /results }
          - name: submit
            match: { method: POST, path: /submit }
            deadline: 2s
            complete: first
            upstreams:
              - { name: echo, url: "http://127.0.0.1:\(ports["echo"]!)/echo" }
        """ }

    private static let backends = [
        Backends.fast("a", urls: ["https://a.example/1"]),
        Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)]),
    ]

    @Test("no route: 404 JSON; wrong method: 405 with Allow")
    func unknownRoutes() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let missing = await harness.get("/nothing-here")
            #expect(missing.status == 404)
            #expect(missing["/error"]?.stringValue != nil)
            let wrongMethod = await harness.client.request("DELETE", "/search")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET")
            #expect(wrongMethod["/error"]?.stringValue != nil)
        }
    }

    @Test("malformed HTTP: 400 JSON and the connection closes")
    func malformedRequest() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let raw = try RawHTTPClient(port: harness.gateway.port).exchange("GARBAGE\u{1}\u{2} / HTTP/9\r\n\r\n")
            #expect(raw.hasPrefix("HTTP/1.1 400"))
            #expect(raw.contains(#"{"error":"#))
        }
    }

    @Test("limits: 414 for a long target, 431 for large headers, 413 for a large body")
    func limits() async throws {
        var limits = ClientLimits()
        limits.maxBodyBytes = 1024
        try await GatewayHarness.with(Self.backends, limits: limits, routes: Self.routes) { harness in
            let client = RawHTTPClient(port: harness.gateway.port)
            let longTarget = "/search?q=" + String(repeating: "a", count: 9 * 1024)
            let uriTooLong = try client.exchange("GET \(longTarget) HTTP/1.1\r\nHost: g\r\n\r\n")
            #expect(uriTooLong.hasPrefix("HTTP/1.1 414"))
            #expect(uriTooLong.contains(#"{"error":"#))

            let bigHeader = "X-Big: " + String(repeating: "b", count: 17 * 1024)
            let headersTooLarge = try client.exchange("GET /search HTTP/1.1\r\nHost: g\r\n\(bigHeader)\r\n\r\n")
            #expect(headersTooLarge.hasPrefix("HTTP/1.1 431"))

            let body = String(repeating: "x", count: 2048)
            let declared = try client.exchange("POST /submit HTTP/1.1\r\nHost: g\r\nContent-Length: 2048\r\n\r\n\(body)")
            #expect(declared.hasPrefix("HTTP/1.1 413"))
            #expect(declared.contains(#"{"error":"#))

            let chunked = try client.exchange("POST /submit HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n\(body)\r\n0\r\n\r\n")
            #expect(chunked.hasPrefix("HTTP/1.1 413"))

            let fine = await harness.client.request("POST", "/submit", headers: [("Content-Type", "text/plain")],
                                                    body: Array("hello".utf8))
            #expect(fine.status == 200)
            #expect(fine["/body"] == .string("hello"))
            #expect(fine["/method"] == .string("POST"))
        }
    }

    @Test("a client that stops sending its headers is closed after the header timeout")
    func slowClientIsClosed() async throws {
        var limits = ClientLimits()
        limits.headerTimeout = .milliseconds(300)
        try await GatewayHarness.with(Self.backends, limits: limits, routes: Self.routes) { harness in
            let started = ContinuousClock.now
            let raw = try RawHTTPClient(port: harness.gateway.port).exchange("GET /search HTTP/1.1\r\nHost:", timeout: 5)
            #expect(raw.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test("an idle connection closes with a FIN and keeps reading: a request sent as it closes meets no reset")
    func idleCloseIsNotAReset() async throws {
        var limits = ClientLimits()
        limits.keepAliveIdle = .milliseconds(300)
        try await GatewayHarness.with(Self.backends, limits: limits, routes: Self.routes) { harness in
            let client = RawHTTPClient(port: harness.gateway.port)
            #expect(try client.get("/search").status == 200)
            // The idle time passes: the gateway's FIN arrives, and nothing else.
            let idle = try client.readToEnd()
            #expect(idle.bytes.isEmpty)
            #expect(idle.end == .closed)
            // A request sent now stands for one sent just before that FIN reached the client. A
            // socket closed outright answers it with RST (the client's socket then holds EPIPE);
            // the lingering gateway reads and drops it: no answer, no reset.
            try client.send("GET /search HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            #expect(try client.pendingSocketError() == 0, "the gateway answered the late request with RST")
            let late = try client.readToEnd()
            #expect(late.bytes.isEmpty)
            #expect(late.end == .closed, "\(late.end)")
        }
    }

    @Test("past --max-in-flight the gateway sheds with 503 and Retry-After")
    func shedsPastMaxInFlight() async throws {
        let backends = [Backends.backend("slow", [FixturePath(path: "/search", body: Backends.results(["https://s.example/1"]),
                                                               latency: .fixed(.seconds(1)))])]
        try await GatewayHarness.with(backends, maxInFlight: 1, routes: { ports in """
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 2s
                upstreams:
                  - { name: slow, url: "http://127.0.0.1:\(ports["slow"]!)/search" }
                merge: { items: /results }
            """ }) { harness in
            async let first = harness.get("/search")
            try await harness.waitForConnection(to: "slow")
            let second = await harness.get("/search")
            #expect(second.status == 503)
            #expect(second.header("Retry-After") == "1")
            #expect(second["/error"]?.stringValue != nil)
            #expect(await first.status == 200)
            let third = await harness.get("/search")
            #expect(third.status == 200, "the slot is free again once the first answered")
        }
    }
}
