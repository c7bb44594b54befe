import GatherTestSupport
import Foundation
import GatherCore
import GatherFixtures
@testable import GatherServer
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Aggregated answers are gzipped for clients that accept gzip")
struct ClientCompressionTests {
    private static let manyURLs = (0..<60).map { "https://a.example/item-\($0)" }
    private static let firstBody = Backends.results(manyURLs)

    private static let backends = [Backends.backend("a", [
        FixturePath(path: "/big", body: Backends.results(manyURLs)),
        FixturePath(path: "/small", body: Backends.results(["https://a.example/only"])),
    ])]

    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: big
            match: { method: GET, path: /big }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/big" }
            merge: { items: /results }
          - name: big-head
            match: { method: HEAD, path: /big }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/big" }
            merge: { items: /results }
          - name: small
            match: { method: GET, path: /small }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/small" }
            merge: { items: /results }
          - name: first
            match: { method: GET, path: /first }
            deadline: 2s
            complete: first
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/big" }
        """ }

    /// One request per element, all in one write; the last closes the connection.
    private func exchange(_ harness: GatewayHarness, _ requests: [(method: String, target: String, acceptEncoding: String?)],
                          extraHeaders: String = "") throws -> [RawHTTPResponse] {
        var text = ""
        for (index, request) in requests.enumerated() {
            text += "\(request.method) \(request.target) HTTP/1.1\r\nHost: t\r\n\(extraHeaders)"
            if let acceptEncoding = request.acceptEncoding { text += "Accept-Encoding: \(acceptEncoding)\r\n" }
            if index == requests.count - 1 { text += "Connection: close\r\n" }
            text += "\r\n"
        }
        let bytes = try RawHTTPClient(port: harness.gateway.port).exchangeBytes(Array(text.utf8))
        let bodiless = Set(requests.indices.filter { requests[$0].method == "HEAD" })
        return try RawHTTPResponse.parseAll(bytes, bodiless: bodiless)
    }

    private func one(_ harness: GatewayHarness, _ target: String, acceptEncoding: String?,
                     extraHeaders: String = "") throws -> RawHTTPResponse {
        let responses = try exchange(harness, [("GET", target, acceptEncoding)], extraHeaders: extraHeaders)
        try #require(responses.count == 1)
        return responses[0]
    }

    /// The envelope with each upstream's `ms` (the one value that differs between two runs) zeroed.
    private func timingless(_ body: [UInt8]) -> String {
        String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: #""ms":[0-9.]+"#, with: #""ms":0"#, options: .regularExpression)
    }

    private static func compressTwice(_ text: [UInt8]) throws -> [[UInt8]] {
        let gzip = ResponseGzip()
        defer { gzip.close() }
        return try (0..<2).map { _ in
            Array(try #require(gzip.compress(ByteBufferAllocator().buffer(bytes: text))).readableBytesView)
        }
    }

    @Test("the encoder's gzip decodes, with the system's gzip, to exactly the bytes given")
    func encoderRoundTrip() async throws {
        let text = Array(String(repeating: #"{"url":"https://a.example/x","title":"é \u{0001}"},"#, count: 200).utf8)
            + (0...255).map { UInt8($0) }
        // The encoder belongs to the thread that made it (its EmbeddedEventLoop), so it does all
        // its work before the first await, which may resume on another thread.
        let answers = try Self.compressTwice(text)
        for bytes in answers {  // the same encoder, answer after answer
            #expect(bytes.starts(with: [0x1f, 0x8b]))
            #expect(bytes.count < text.count)
            #expect(try await Gunzip.decode(bytes) == text)
        }
    }

    @Test("Accept-Encoding: gzip: a large envelope comes gzipped, with Vary, and decodes to the identity answer")
    func gzipped() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let identity = try one(harness, "/big", acceptEncoding: nil, extraHeaders: "X-Request-Id: same\r\n")
            let gzipped = try one(harness, "/big", acceptEncoding: "gzip", extraHeaders: "X-Request-Id: same\r\n")
            #expect(identity.status == 200 && gzipped.status == 200)
            #expect(identity.body.count > 1024)
            #expect(identity.header("content-encoding") == nil)
            #expect(gzipped.header("content-encoding") == "gzip")
            #expect(gzipped.headers("vary") == ["Accept-Encoding"])
            #expect(identity.headers("vary") == ["Accept-Encoding"])
            #expect(gzipped.header("content-length") == String(gzipped.body.count))
            #expect(gzipped.body.count < identity.body.count)
            #expect(gzipped.header("gather-partial") == "false")
            #expect(gzipped.header("x-request-id") == "same")
            let decoded = try await Gunzip.decode(gzipped.body)
            #expect(timingless(decoded) == timingless(identity.body))
            #expect(try JSONParser.parse(decoded).objectValue?["items"]?.arrayValue?.count == 60)
        }
    }

    @Test("codings that include gzip get gzip", arguments: ["gzip", "GZIP", "x-gzip", "deflate, gzip, br, zstd",
                                                             "gzip;q=0.5, deflate", "*", "br, *;q=0.1"])
    func acceptingGzip(_ acceptEncoding: String) async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = try one(harness, "/big", acceptEncoding: acceptEncoding)
            #expect(response.header("content-encoding") == "gzip")
            #expect(try await JSONParser.parse(Gunzip.decode(response.body)).objectValue?["items"]?.arrayValue?.count == 60)
        }
    }

    @Test("no Accept-Encoding, gzip;q=0, or only other codings: identity, still with Vary",
          arguments: [nil, "gzip;q=0", "br", "deflate", "zstd, br;q=0.9", "identity", "*;q=0", "gzip;q=0, *"])
    func identity(_ acceptEncoding: String?) async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = try one(harness, "/big", acceptEncoding: acceptEncoding)
            #expect(response.status == 200)
            #expect(response.header("content-encoding") == nil)
            #expect(response.headers("vary") == ["Accept-Encoding"])
            #expect(response.body.count > 1024)
            #expect(response.json?.objectValue?["items"]?.arrayValue?.count == 60)
        }
    }

    @Test("an envelope at or below 1 KiB stays identity")
    func smallStaysIdentity() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = try one(harness, "/small", acceptEncoding: "gzip")
            #expect(response.status == 200)
            #expect(response.body.count <= 1024)
            #expect(response.header("content-encoding") == nil)
            #expect(response.headers("vary") == ["Accept-Encoding"])
            #expect(response.text.contains("https://a.example/only"))
        }
    }

    @Test("--gzip-min off: never gzipped")
    func off() async throws {
        try await GatewayHarness.with(Self.backends, gzipMinimumBytes: nil, routes: Self.routes) { harness in
            let response = try one(harness, "/big", acceptEncoding: "gzip")
            #expect(response.header("content-encoding") == nil)
            #expect(response.json?.objectValue?["items"]?.arrayValue?.count == 60)
        }
    }

    @Test("Server-Sent Events are never compressed")
    func serverSentEvents() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = try one(harness, "/big", acceptEncoding: "gzip", extraHeaders: "Accept: text/event-stream\r\n")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "text/event-stream")
            #expect(response.header("content-encoding") == nil)
            let events = ServerSentEvents.parse(response.text)
            #expect(events.map(\.event) == ["upstream", "result"])
            #expect(events.last?.data.contains("https://a.example/item-59") == true)
        }
    }

    @Test("complete: first passes the winner's bytes untouched and not gzipped, with Vary (its coding follows Accept-Encoding)")
    func firstUntouched() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = try one(harness, "/first", acceptEncoding: "gzip")
            #expect(response.status == 200)
            #expect(response.header("gather-winner") == "a")
            #expect(response.header("content-encoding") == nil, "the fixture answered identity")
            #expect(response.header("vary") == "Accept-Encoding")
            guard case .bytes(let expected) = Self.firstBody else { Issue.record("fixture body"); return }
            #expect(response.body == expected)
        }
    }

    @Test("error answers (404) are not gzipped even when large enough")
    func errorsIdentity() async throws {
        try await GatewayHarness.with(Self.backends, gzipMinimumBytes: 1, routes: Self.routes) { harness in
            let response = try one(harness, "/nothing-here", acceptEncoding: "gzip")
            #expect(response.status == 404)
            #expect(response.header("content-encoding") == nil)
            #expect(response.text.contains("no route matches"))
        }
    }

    @Test("HEAD: no body and no Content-Encoding; the pipelined answers after it come whole and in order")
    func headThenPipelined() async throws {
        // A threshold of 16 bytes: any envelope, whatever the HEAD upstream answered, is over it.
        try await GatewayHarness.with(Self.backends, gzipMinimumBytes: 16, routes: Self.routes) { harness in
            let responses = try exchange(harness, [("HEAD", "/big", "gzip"), ("GET", "/big", "gzip"),
                                                   ("GET", "/nothing-here", "gzip"), ("GET", "/small", nil),
                                                   ("GET", "/small", "gzip")])
            try #require(responses.count == 5)
            #expect(responses[0].header("content-encoding") == nil)
            #expect(responses[0].headers("vary") == ["Accept-Encoding"])
            #expect(responses[0].body.isEmpty)
            #expect(responses[1].status == 200)
            #expect(responses[1].header("content-encoding") == "gzip")
            #expect(try await JSONParser.parse(Gunzip.decode(responses[1].body)).objectValue?["items"]?.arrayValue?.count == 60)
            #expect(responses[2].status == 404)
            #expect(responses[2].header("content-encoding") == nil)
            #expect(responses[3].status == 200)
            #expect(responses[3].header("content-encoding") == nil)
            #expect(responses[3].text.contains("https://a.example/only"))
            #expect(responses[4].header("content-encoding") == "gzip")
            #expect(String(decoding: try await Gunzip.decode(responses[4].body), as: UTF8.self)
                .contains("https://a.example/only"))
        }
    }

    @Test("a keep-alive connection alternates gzip and identity answers, one after another")
    func keepAliveAlternating() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let codings: [String?] = ["gzip", nil, "gzip", "br", "gzip"]
            let responses = try exchange(harness, codings.map { ("GET", "/big", $0) })
            try #require(responses.count == codings.count)
            for (response, coding) in zip(responses, codings) {
                #expect(response.status == 200)
                #expect(response.header("content-encoding") == (coding == "gzip" ? "gzip" : nil))
                let body = await coding == "gzip" ? try Gunzip.decode(response.body) : response.body
                #expect(try JSONParser.parse(body).objectValue?["items"]?.arrayValue?.count == 60)
            }
        }
    }

    @Test("a request that expects 100 Continue still gets its gzip answer")
    func expectContinue() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let bytes = try RawHTTPClient(port: harness.gateway.port).exchangeBytes(Array((
                "GET /big HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").utf8))
            let responses = try RawHTTPResponse.parseAll(bytes)
            #expect(responses.map(\.status) == [100, 200])
            #expect(responses.last?.header("content-encoding") == "gzip")
            if let last = responses.last {
                #expect(try await JSONParser.parse(Gunzip.decode(last.body)).objectValue?["items"]?.arrayValue?.count == 60)
            }
        }
    }

    @Test("a client library that asks for gzip (libcurl) decodes the answer")
    func libcurlClient() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            // TestClient's libcurl asks for gzip, br and zstd, and decodes what comes.
            let response = await harness.get("/big")
            #expect(response.status == 200)
            #expect(response.header("content-encoding") == "gzip")
            #expect(response["/items"]?.arrayValue?.count == 60)
        }
    }

    @Test("gather serve --gzip-min: --help documents it, a bad value is a usage error, 1B and off decide")
    func serveFlag() async throws {
        let help = try await CheckCommandTests.run(["serve", "--help"])
        #expect(help.stdout.contains("--gzip-min"))
        #expect(help.stdout.contains("Compression to clients"))
        let bad = try await CheckCommandTests.run(["serve", "--gzip-min", "lots"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--gzip-min"))
        let routes = CheckCommandTests.packageRoot.appendingPathComponent("routes").path
        for (flag, encoding) in [("1B", "gzip"), ("off", nil)] as [(String, String?)] {
            let serve = try await ServeProcess.start(["--routes", routes, "--gzip-min", flag, "--access-log", "off"])
            // Whatever the shipped upstreams answer here (they may not be running), it is an envelope.
            let bytes = try RawHTTPClient(port: serve.port).exchangeBytes(Array(
                "GET /profile/1 HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n".utf8))
            serve.send(SIGTERM)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
            let responses = try RawHTTPResponse.parseAll(bytes)
            try #require(responses.count == 1)
            #expect(responses[0].headers("vary") == ["Accept-Encoding"])
            #expect(responses[0].header("content-encoding") == encoding, "--gzip-min \(flag)")
        }
    }
}

private extension RawHTTPResponse {
    var json: JSONValue? { try? JSONParser.parse(body) }
}
