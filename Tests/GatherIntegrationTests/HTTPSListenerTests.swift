import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatherCore
import GatherFixtures
import GatherServer
import GatherTestSupport
import NIOCore
import Testing

/// The HTTPS listener (`serve --tls-cert --tls-key`): ALPN picks HTTP/2 or HTTP/1.1, and on
/// HTTP/2 everything works as on HTTP/1.1 — answers, gzip, SSE, completion rules, client limits,
/// the access log, traceparent, and 499 for a stream the client resets.
@Suite("HTTPS and HTTP/2 listener", .serialized)
struct HTTPSListenerTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
              - { name: b, url: "http://127.0.0.1:\(ports["b"]!)/search" }
            merge: { mode: concat, items: /results }
          - name: first
            match: { method: GET, path: /first }
            deadline: 2s
            complete: first
            upstreams:
              - { name: winner, url: "http://127.0.0.1:\(ports["a"]!)/search" }
              - { name: loser, url: "http://127.0.0.1:\(ports["stalled"]!)/search" }
          - name: slow
            match: { method: GET, path: /slow }
            deadline: 5s
            upstreams:
              - { name: stalled, url: "http://127.0.0.1:\(ports["stalled"]!)/search" }
            merge: { mode: concat, items: /results }
          - name: echo
            match: { method: GET, path: /echo }
            deadline: 2s
            upstreams:
              - { name: echo, url: "http://127.0.0.1:\(ports["echo"]!)/echo" }
            merge: { mode: object }
        """ }

    /// Enough results that the merged answer is over the 1 KiB gzip threshold.
    private static var backends: [FixtureBackend] {
        [Backends.fast("a", urls: (0..<20).map { "https://a.example/\($0)" }),
         Backends.fast("b", urls: (0..<20).map { "https://b.example/\($0)" }),
         Backends.stalled("stalled"),
         Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])]
    }

    private static func with(log: CapturedLog? = nil, limits: ClientLimits = ClientLimits(),
                             _ body: (GatewayHarness, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.get()
        let tls = try ListenerCertificate(certificatePath: certificates.serverPEM, keyPath: certificates.serverKey)
        try await GatewayHarness.with(backends, limits: limits, logger: log?.logger ?? GatewayHarness.quietLogger,
                                      tls: tls, routes: routes) { harness in
            try await body(harness, certificates)
        }
    }

    private static func curl(_ harness: GatewayHarness, _ certificates: TestCertificates, _ target: String,
                             _ arguments: [String] = ["--http2"]) async throws -> CurlCommand.Response {
        try await CurlCommand.run("https://localhost:\(harness.gateway.port)\(target)",
                            ["--cacert", certificates.caPEM] + arguments)
    }

    @Test("ALPN: curl --http2 speaks HTTP/2, --http1.1 HTTP/1.1; the same merged answer, gzipped for either")
    func alpnAndGzip() async throws {
        try await Self.with { harness, certificates in
            for (flag, version) in [("--http2", "2"), ("--http1.1", "1.1")] {
                let response = try await Self.curl(harness, certificates, "/search", [flag])
                #expect(response.status == 200, "\(response.stderr)")
                #expect(response.version == version)
                let items = try JSONParser.parse(Array(response.body.utf8))["/items"]?.arrayValue
                #expect(items?.count == 40, "\(response.body.prefix(300))")
                #expect(response.headers["gather-partial"] == "false")

                let gzipped = try await Self.curl(harness, certificates, "/search", [flag, "--compressed"])
                #expect(gzipped.version == version)
                #expect(gzipped.headers["content-encoding"] == "gzip")
                #expect(gzipped.headers["vary"] == "Accept-Encoding")
                let decoded = try JSONParser.parse(Array(gzipped.body.utf8))["/items"]
                #expect(decoded?.arrayValue == items, "curl decoded it to the same answer")
            }
            // Without TLS the port answers nothing a plaintext client can read.
            let plain = try await CurlCommand.run("http://127.0.0.1:\(harness.gateway.port)/search", [])
            #expect(plain.status != 200)
        }
    }

    @Test("Server-Sent Events over HTTP/2: one event per upstream, then the result")
    func eventStream() async throws {
        try await Self.with { harness, certificates in
            let response = try await Self.curl(harness, certificates, "/search",
                                         ["--http2", "-N", "-H", "Accept: text/event-stream", "--compressed"])
            #expect(response.status == 200, "\(response.stderr)")
            #expect(response.version == "2")
            #expect(response.headers["content-type"] == "text/event-stream")
            #expect(response.headers["content-encoding"] == nil, "SSE is never compressed")
            #expect(response.body.components(separatedBy: "event: upstream\n").count - 1 == 2, "\(response.body.prefix(400))")
            #expect(response.body.components(separatedBy: "event: result\n").count - 1 == 1)
        }
    }

    @Test("over HTTP/2: complete: first, client limits, the access log and traceparent as on HTTP/1.1")
    func sameRulesOverHTTP2() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        var limits = ClientLimits()
        limits.maxBodyBytes = 16
        // Below the 16 KiB swift-nio-http2 enforces until the client acknowledges gather's
        // SETTINGS (which raise it), so the first request on a connection reaches our check.
        limits.maxHeaderBytes = 8 * 1024
        try await Self.with(log: log, limits: limits) { harness, certificates in
            let first = try await Self.curl(harness, certificates, "/first")
            #expect(first.status == 200)
            #expect(first.version == "2")
            #expect(first.body.contains("https://a.example/0"))
            #expect(first.headers["gather-winner"] == "winner", "\(first.headers)")

            let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            let echo = try await Self.curl(harness, certificates, "/echo", ["--http2", "-H", "traceparent: \(traceparent)"])
            #expect(echo.version == "2")
            let echoed = try JSONParser.parse(Array(echo.body.utf8))["/data/headers/traceparent"]?.stringValue
            #expect(echoed?.split(separator: "-").dropFirst().first == "0af7651916cd43dd8448eb211c80319c", "\(echo.body)")

            let bigHeader = try await Self.curl(harness, certificates, "/search",
                                          ["--http2", "-H", "X-Big: " + String(repeating: "x", count: 12_000)])
            #expect(bigHeader.status == 431, "\(bigHeader.stderr)")
            #expect(bigHeader.version == "2")
            let bigBody = try await Self.curl(harness, certificates, "/search",
                                        ["--http2", "-X", "GET", "--data-binary", String(repeating: "y", count: 64)])
            #expect(bigBody.status == 413)
            #expect(try await Self.curl(harness, certificates, "/nope").status == 404)

            let lines = try await log.waitForAccessLines(5)
            try #require(lines.count == 5)
            #expect(lines.map { $0["/status"] } == [.int(200), .int(200), .int(431), .int(413), .int(404)])
            #expect(lines[0]["/route"] == .string("first"))
            #expect(lines[0]["/winner"] == .string("winner"))
            #expect(lines[1]["/trace_id"] == .string("0af7651916cd43dd8448eb211c80319c"), "\(lines[1])")
        }
    }

    @Test("a client resetting its stream is a 499 in the access log; the connection serves its next stream")
    func streamReset() async throws {
        let log = CapturedLog()
        defer { log.stop() }
        try await Self.with(log: log) { harness, certificates in
            let client = try await H2TestClient.connect(port: harness.gateway.port, caPEM: certificates.caPEM)
            let (stream, _) = try await client.open("/slow")
            try await harness.waitForConnection(to: "stalled")
            stream.close(promise: nil)  // RST_STREAM (CANCEL): the stream ends, the connection stays
            // Logged while the connection is still open: the reset, not a close, made the 499.
            let reset = try await log.waitForAccessLines(1)
            #expect(reset.first?["/route"] == .string("slow"))
            #expect(reset.first?["/status"] == .int(499), "\(reset)")
            let before = client.bytesReceived
            let next: H2TestClient.Response
            do {
                next = try await client.get("/search")
            } catch {
                Issue.record("""
                    the stream after the reset: \(error); bytes read before the request \(before), \
                    after the wait \(client.bytesReceived); access lines: \(log.accessLines)
                    """)
                throw error
            }
            #expect(next.status == 200)
            #expect(next.body.contains("https://b.example/19"))
            // Many streams at once on the one connection.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await client.get("/search").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
            let lines = try await log.waitForAccessLines(22)
            let slow = lines.filter { $0["/route"] == .string("slow") }
            #expect(slow.count == 1)
            #expect(slow.first?["/status"] == .int(499), "\(slow)")
            #expect(lines.filter { $0["/status"] == .int(200) }.count == 21)
            await client.close()
        }
    }

    @Test("draining over HTTP/2: a GOAWAY while a stream is open, the stream still gets its answer, then the connection closes")
    func drainSendsGoAway() async throws {
        try await Self.with { harness, certificates in
            let client = try await H2TestClient.connect(port: harness.gateway.port, caPEM: certificates.caPEM)
            let (_, response) = try await client.open("/slow")
            try await harness.waitForConnection(to: "stalled")
            let server = harness.gateway
            let draining = Task { await server.shutdown(drain: .seconds(2)) }
            #expect(await client.waitForGoAway(within: .seconds(5)), "a GOAWAY once the drain begins")
            // The stalled upstream holds its stream open through the drain (its route's deadline
            // is 5 s): the GOAWAY came while an answer was still owed.
            let answeredBeforeGoAway = await Self.isComplete(response)
            #expect(!answeredBeforeGoAway)
            let answer = try await response.get()
            // Past the drain the upstream transfer is aborted: the answer is what that leaves.
            #expect(answer.status == 502, "\(answer.status) \(answer.body)")
            #expect(answer.body.contains(#""stalled":{"status":"error""#), "\(answer.body)")
            #expect(answer.body.contains(#""error":"aborted: gather is shutting down""#), "\(answer.body)")
            #expect(await client.waitClosed(within: .seconds(5)), "the connection closes once its stream has ended")
            await draining.value
            await client.close()
        }
    }

    private static func isComplete<Value: Sendable>(_ future: EventLoopFuture<Value>) async -> Bool {
        let done = Locked(false)
        future.whenComplete { _ in done.withLock { $0 = true } }
        // whenComplete runs on the future's loop: one hop there settles what it already knows.
        try? await future.eventLoop.submit {}.get()
        return done.value
    }

    /// Runs a command with its stdin held open; true when it exits by itself within 5 s.
    private static func exitsByItself(_ executable: String, _ arguments: [String]) throws -> Bool {
        var stdin: [Int32] = [0, 0]
        // Not inherited by other tests' children: every child closes what is past its stderr.
        guard pipe(&stdin) == 0 else {
            throw ChildProcess.Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        defer { close(stdin[1]) }
        let exit: ChildProcess.Exit
        do {
            exit = try ChildProcess.start(executable, arguments, stdin: stdin[0])
        } catch {
            close(stdin[0])
            throw error
        }
        close(stdin[0])  // the child has its copy; the write end stays open until we return
        return exit.waitBlocking(within: .seconds(5)) != nil
    }

    @Test("the header timeout closes a client that never handshakes, and one that handshakes (h1 or h2) and sends nothing")
    func silentClients() async throws {
        var limits = ClientLimits()
        limits.headerTimeout = .milliseconds(300)
        limits.keepAliveIdle = .milliseconds(300)
        try await Self.with(limits: limits) { harness, _ in
            let port = "\(harness.gateway.port)"
            // bash's /dev/tcp: a TCP connection that sends nothing; cat ends when gather closes it.
            let noHandshake = try Self.exitsByItself("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port); cat <&3"])
            #expect(noHandshake, "no handshake")
            for alpn in ["http/1.1", "h2"] {
                let silent = try Self.exitsByItself("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:" + port,
                                                                        "-alpn", alpn, "-quiet"])
                #expect(silent, "\(alpn), silent")
            }
        }
    }

    @Test("a certificate or key that cannot be used is refused at start, naming the file and why")
    func badPairs() async throws {
        let certificates = try TestCertificates.get()
        let cases: [(String, String, String)] = [
            (certificates.serverPEM, certificates.clientKey, "--tls-key '\(certificates.clientKey)': "),
            (certificates.folder + "/missing.pem", certificates.serverKey, "--tls-cert '\(certificates.folder)/missing.pem': no such file"),
            (certificates.serverKey, certificates.serverKey, "--tls-cert '\(certificates.serverKey)': no PEM certificate"),
        ]
        for (cert, key, message) in cases {
            #expect(throws: ListenerCertificate.LoadError.self) {
                try ListenerCertificate(certificatePath: cert, keyPath: key)
            }
            do {
                _ = try ListenerCertificate(certificatePath: cert, keyPath: key)
            } catch {
                #expect("\(error)".hasPrefix(message), "\(error)")
            }
        }
    }
}
