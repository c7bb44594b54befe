import Foundation
import GatherCore
@testable import GatherFixtures
import GatherTestSupport
import Testing

/// Real sockets against the real NIO server on ephemeral ports. Serialized: the raw client blocks
/// a thread while it waits, and these tests measure delays.
@Suite("FixtureServer", .serialized)
struct FixtureServerTests {
    private func serve(_ paths: [FixturePath], seed: UInt64 = 1,
                       _ body: (FixtureServer, Int) async throws -> Void) async throws {
        let set = FixtureSet(backends: [FixtureBackend(name: "t", port: 9, seed: seed, paths: paths)])
        let server = try await FixtureServer.start(set, ephemeralPorts: true)
        do {
            let port = try #require(server.port(of: "t"))
            #expect(port != 9 && port > 0)
            try await body(server, port)
        } catch {
            try await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    private func elapsed(_ work: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try work()
        return clock.now - start
    }

    @Test("a canned body is served with its status and content type")
    func cannedBody() async throws {
        try await serve([FixturePath(path: "/hello", body: .text("hi there"), status: 201, contentType: "text/plain")]) { _, port in
            let response = try RawHTTPClient(port: port).get("/hello?ignored=1")
            #expect(response.status == 201)
            #expect(response.headers["content-type"] == "text/plain")
            #expect(response.headers["x-fixture-backend"] == "t")
            #expect(response.bodyText == "hi there")
        }
    }

    @Test("unknown paths answer 404 JSON, a wrong method 405 with Allow")
    func notFound() async throws {
        try await serve([FixturePath(path: "/only", method: "POST", body: .echo)]) { _, port in
            let client = RawHTTPClient(port: port)
            let missing = try client.get("/nope")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"] == "application/json")
            #expect(missing.bodyText == #"{"error":"no fixture for GET /nope","status":404,"backend":"t"}"#)
            let wrongMethod = try client.get("/only")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["allow"] == "POST")
        }
    }

    @Test("echo reports method, path, query, lower-cased headers and body")
    func echo() async throws {
        try await serve([FixturePath(path: "/echo", body: .echo)]) { _, port in
            let client = RawHTTPClient(port: port)
            try client.send("POST /echo?q=swift%20nio&x=1&q=2 HTTP/1.1\r\nHost: h\r\nX-Request-Id: abc\r\nContent-Length: 4\r\n\r\nping")
            let response = try client.readResponse()
            #expect(response.status == 200)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(json["method"] as? String == "POST")
            #expect(json["path"] as? String == "/echo")
            #expect(json["query"] as? String == "q=swift%20nio&x=1&q=2")
            #expect(json["params"] as? [String: String] == ["q": "swift nio", "x": "1"])
            #expect(json["body"] as? String == "ping")
            let headers = try #require(json["headers"] as? [String: String])
            #expect(headers["x-request-id"] == "abc")
            #expect(headers["host"] == "h")
        }
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() async throws {
        try await serve([FixturePath(path: "/echo", body: .echo)]) { _, port in
            let client = RawHTTPClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hi")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.bodyText.contains(#""body":"hi""#))
        }
    }

    @Test("error rate 1.0 answers the configured status with a JSON error")
    func injectedError() async throws {
        try await serve([FixturePath(path: "/e", body: .text("fine"), error: FixtureErrorInjection(rate: 1, status: 503))]) { _, port in
            let response = try RawHTTPClient(port: port).get("/e")
            #expect(response.status == 503)
            #expect(response.bodyText == #"{"error":"injected failure","status":503,"backend":"t"}"#)
        }
    }

    @Test("a stall delays the answer by at least its duration; a fixed latency too")
    func stallAndLatency() async throws {
        try await serve([
            FixturePath(path: "/stall", body: .text("late"), stall: FixtureStall(rate: 1, duration: .milliseconds(300))),
            FixturePath(path: "/slow", body: .text("slow"), latency: .fixed(.milliseconds(120))),
        ]) { _, port in
            let client = RawHTTPClient(port: port)
            var response: RawHTTPClient.Response?
            let stalled = try elapsed { response = try client.get("/stall") }
            #expect(response?.bodyText == "late")
            #expect(stalled >= .milliseconds(290))
            let slow = try elapsed { response = try client.get("/slow") }
            #expect(response?.bodyText == "slow")
            #expect(slow >= .milliseconds(110))
        }
    }

    @Test("reset closes the connection with an RST and no bytes")
    func reset() async throws {
        try await serve([FixturePath(path: "/r", body: .text("never"), reset: 1)]) { server, port in
            let client = RawHTTPClient(port: port)
            try client.send("GET /r HTTP/1.1\r\nHost: h\r\n\r\n")
            let (bytes, end) = try client.readToEnd()
            #expect(bytes.isEmpty)
            #expect(end == .reset)
            #expect(server.requestsServed(of: "t") == 1)
        }
    }

    @Test("garbage writes bytes that are not HTTP, then closes")
    func garbage() async throws {
        try await serve([FixturePath(path: "/g", body: .text("never"), garbage: 1)]) { _, port in
            let client = RawHTTPClient(port: port)
            try client.send("GET /g HTTP/1.1\r\nHost: h\r\n\r\n")
            let (bytes, end) = try client.readToEnd()
            #expect(!bytes.isEmpty)
            #expect(!bytes.starts(with: Array("HTTP/".utf8)))
            #expect(end == .closed)
        }
    }

    @Test("truncate declares the full length, sends half, closes")
    func truncate() async throws {
        let body = String(repeating: "0123456789", count: 10)
        try await serve([FixturePath(path: "/t", body: .text(body), truncate: 1)]) { _, port in
            let client = RawHTTPClient(port: port)
            try client.send("GET /t HTTP/1.1\r\nHost: h\r\n\r\n")
            let (bytes, end) = try client.readToEnd()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("Content-Length: 100\r\n"))
            let sent = text.components(separatedBy: "\r\n\r\n").last ?? ""
            #expect(sent == String(body.prefix(50)))
            #expect(end == .closed)
        }
    }

    @Test("drip sends the whole body slowly")
    func drip() async throws {
        try await serve([FixturePath(path: "/d", body: .text("abcdefghijkl"), drip: FixtureDrip(rate: 1, chunk: 4, every: .milliseconds(40)))]) { _, port in
            let client = RawHTTPClient(port: port)
            var response: RawHTTPClient.Response?
            // 12 bytes in 3 chunks, one every 40ms: the last leaves after ≥ 120ms.
            let took = try elapsed { response = try client.get("/d") }
            #expect(response?.bodyText == "abcdefghijkl")
            #expect(took >= .milliseconds(110))
        }
    }

    @Test("oversized answers a valid JSON body of exactly the configured size")
    func oversized() async throws {
        try await serve([FixturePath(path: "/big", body: .text("small"), oversized: FixtureOversized(rate: 1, bytes: 300_000))]) { _, port in
            let response = try RawHTTPClient(port: port).get("/big")
            #expect(response.headers["content-length"] == "300000")
            #expect(response.body.count == 300_000)
            #expect(response.body.starts(with: Array(#"{"padding":"xxx"#.utf8)))
            #expect(response.body.suffix(2) == Array(#""}"#.utf8)[...])
        }
    }

    @Test("keep-alive: two requests on one connection count one connection and two requests")
    func keepAlive() async throws {
        try await serve([FixturePath(path: "/k", body: .text("k"))]) { server, port in
            let client = RawHTTPClient(port: port)
            #expect(try client.get("/k").status == 200)
            #expect(try client.get("/k").status == 200)
            #expect(server.connectionsAccepted(of: "t") == 1)
            #expect(server.requestsServed(of: "t") == 2)
            _ = try RawHTTPClient(port: port).get("/k")
            #expect(server.connectionsAccepted(of: "t") == 2)
            #expect(server.connectionsAccepted(of: "unknown") == 0)
        }
    }

    @Test("the shipped fixtures start on ephemeral ports and answer")
    func shippedFixturesServe() async throws {
        let set = try FixtureSet.load(directory: FixtureParseTests.shippedDirectory)
        let server = try await FixtureServer.start(set, ephemeralPorts: true)
        defer { Task { try? await server.shutdown() } }
        let search = try RawHTTPClient(port: try #require(server.port(of: "engine-a"))).get("/search-fast?q=swift")
        #expect(search.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(search.body)) as? [String: Any])
        #expect((json["results"] as? [Any])?.count == 20)
        let notJSON = try RawHTTPClient(port: try #require(server.port(of: "chaos"))).get("/notjson")
        #expect(notJSON.bodyText == "this is not json")
        #expect(notJSON.headers["content-type"] == "text/plain")
        try await server.shutdown()
    }

    @Test("shutdown closes a stalled connection instead of waiting for it")
    func shutdownClosesStalled() async throws {
        let set = FixtureSet(backends: [FixtureBackend(name: "t", paths: [
            FixturePath(path: "/s", body: .text("x"), stall: FixtureStall(rate: 1, duration: .seconds(30))),
        ])])
        let server = try await FixtureServer.start(set, ephemeralPorts: true)
        let client = RawHTTPClient(port: try #require(server.port(of: "t")))
        try client.send("GET /s HTTP/1.1\r\nHost: h\r\n\r\n")
        // Wait until the server has the connection, so shutdown has something to close.
        for _ in 0..<200 where server.connectionsAccepted(of: "t") == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await server.shutdown()
        let (bytes, end) = try client.readToEnd()
        #expect(bytes.isEmpty)
        #expect(end != .timedOut)
    }

    @Test("a port already taken fails start with the backend named")
    func portTaken() async throws {
        let first = try await FixtureServer.start(FixtureSet(backends: [FixtureBackend(name: "a", paths: [FixturePath(path: "/", body: .echo)])]),
                                                  ephemeralPorts: true)
        let taken = try #require(first.port(of: "a"))
        await #expect(throws: FixtureServerError.self) {
            _ = try await FixtureServer.start(FixtureSet(backends: [FixtureBackend(name: "b", port: taken, paths: [FixturePath(path: "/", body: .echo)])]))
        }
        try await first.shutdown()
    }
}
