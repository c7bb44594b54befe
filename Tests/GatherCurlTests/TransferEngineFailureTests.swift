import Foundation
import Testing
@testable import GatherCurl

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TransferEngineFailureTests {
    @Test func slowUpstreamTimesOut() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let started = Date()
        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/stall?ms=3000", timeoutMilliseconds: 200))
        let elapsed = Date().timeIntervalSince(started)

        #expect(response.failure == .timeout)
        #expect(elapsed < 2.0)
        #expect(response.totalMilliseconds >= 150)
    }

    @Test func declaredOversizedBodyIsTooLarge() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/big-declared?n=200000", maxBodyBytes: 100_000))

        #expect(response.failure == .tooLarge)
        #expect(response.failureMessage == "response body exceeds 100000 bytes")
    }

    @Test func undeclaredOversizedBodyIsTooLarge() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/big-chunked?n=200000", maxBodyBytes: 100_000))

        #expect(response.failure == .tooLarge)
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let declared = await fetch(engine, UpstreamRequest(url: server.baseURL + "/big-declared?n=50000", maxBodyBytes: 50_000))
        let chunked = await fetch(engine, UpstreamRequest(url: server.baseURL + "/big-chunked?n=50000", maxBodyBytes: 50_000))

        #expect(declared.bodyBytes?.count == 50_000)
        #expect(chunked.bodyBytes?.count == 50_000)
        #expect(chunked.bodyBytes?.allSatisfy { $0 == UInt8(ascii: "y") } == true)
    }

    @Test func closeMidBodyIsTransport() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/short"))

        #expect(response.failure == .transport)
        #expect(!response.failureMessage.isEmpty)
    }

    @Test func resetIsTransport() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/reset"))

        #expect(response.failure == .transport)
    }

    @Test func garbageAndBadStatusLinesAreTransport() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let garbage = await fetch(engine, UpstreamRequest(url: server.baseURL + "/garbage"))
        let badStatus = await fetch(engine, UpstreamRequest(url: server.baseURL + "/bad-status"))

        #expect(garbage.failure == .transport)
        #expect(badStatus.failure == .transport)
    }

    @Test func refusedPortIsTransport() async throws {
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown() }

        let response = await fetch(engine, UpstreamRequest(url: "http://127.0.0.1:\(refusedPort())/json"))

        #expect(response.failure == .transport)
        #expect(response.connectionsOpened == 0)
    }

    @Test func badRequestInputFailsWithoutSending() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let injected = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json", headers: [("X-A", "1\r\nX-B: 2")]))
        let badMethod = await fetch(engine, UpstreamRequest(method: "GET /x", url: server.baseURL + "/json"))
        let badScheme = await fetch(engine, UpstreamRequest(url: "file:///etc/passwd"))

        #expect(injected.failure == .transport)
        #expect(injected.failureMessage == "request header X-A has a CR, LF or NUL in its value")
        #expect(badMethod.failure == .transport)
        #expect(badMethod.failureMessage == "request method is not an HTTP token")
        #expect(badScheme.failure == .transport)
        #expect(server.accepted == 0)

        // The thread is still healthy afterwards.
        let ok = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        #expect(ok.status == 200)
    }
}
