import Foundation
import Testing
@testable import GatherCurl

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TransferEngineResponseTests {
    @Test func getReturnsStatusHeadersInOrderAndBody() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 2)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json", timeoutMilliseconds: 5_000))

        #expect(response.status == 200)
        #expect(response.headers.map(\.0) == ["content-type", "x-test", "content-length"])
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("content-length") == "11")
        #expect(response.bodyText == "{\"ok\":true}")
        #expect(response.connectionsOpened == 1)
        #expect(response.totalMilliseconds > 0)
    }

    @Test func headersNotKeptLeaveTheBodyAndTheDeclaredLimit() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        var request = UpstreamRequest(url: server.baseURL + "/json", timeoutMilliseconds: 5_000)
        request.keepsHeaders = false
        let response = await fetch(engine, request)
        #expect(response.status == 200)
        #expect(response.headers.isEmpty)
        #expect(response.bodyText == "{\"ok\":true}")

        // Content-Length is still read: a declared body past the limit fails before it comes.
        var big = UpstreamRequest(url: server.baseURL + "/big-declared?n=200000", maxBodyBytes: 100_000)
        big.keepsHeaders = false
        #expect(await fetch(engine, big).failure == .tooLarge)
    }

    @Test func postBodyIsForwardedAndEchoed() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let body = Array("{\"q\":\"zürich\",\"n\":[1,2]}".utf8)
        let response = await fetch(engine, UpstreamRequest(
            method: "POST", url: server.baseURL + "/echo",
            headers: [("Content-Type", "application/json")], body: body, timeoutMilliseconds: 5_000))

        let echo = try #require(response.echo)
        #expect(echo["method"] as? String == "POST")
        #expect(echo["path"] as? String == "/echo")
        #expect(echo["body"] as? String == "{\"q\":\"zürich\",\"n\":[1,2]}")
        let headers = try #require(echo["headers"] as? [String: String])
        #expect(headers["content-type"] == "application/json")
        #expect(headers["content-length"] == String(body.count))
        #expect(headers["expect"] == nil)
    }

    @Test func putPatchDeleteSendTheirMethod() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let put = await fetch(engine, UpstreamRequest(method: "PUT", url: server.baseURL + "/echo?x=1", body: Array("put-body".utf8)))
        let patch = await fetch(engine, UpstreamRequest(method: "PATCH", url: server.baseURL + "/echo", body: nil))
        let delete = await fetch(engine, UpstreamRequest(method: "DELETE", url: server.baseURL + "/echo"))

        #expect(put.echo?["method"] as? String == "PUT")
        #expect(put.echo?["path"] as? String == "/echo?x=1")
        #expect(put.echo?["body"] as? String == "put-body")
        #expect(patch.echo?["method"] as? String == "PATCH")
        #expect((patch.echo?["headers"] as? [String: String])?["content-length"] == "0")
        #expect(delete.echo?["method"] as? String == "DELETE")
    }

    @Test func requestHeadersAreSentAndBodiesAreNotLabelledForms() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(
            method: "POST", url: server.baseURL + "/echo",
            headers: [("X-Request-Id", "req-42"), ("Accept-Language", "de-CH"), ("X-Empty", ""), ("Content-Length", "999")],
            body: Array("abc".utf8)))

        let headers = try #require(response.echo?["headers"] as? [String: String])
        #expect(headers["x-request-id"] == "req-42")
        #expect(headers["accept-language"] == "de-CH")
        #expect(headers["x-empty"] == "")
        #expect(headers["content-length"] == "3")
        #expect(headers["content-type"] == nil)
        #expect(headers["expect"] == nil)
        // Compressed answers are asked for (and decoded by libcurl) unless the request names its own.
        #expect(headers["accept-encoding"] == "gzip, br, zstd")
    }

    @Test func nonSuccessStatusIsACompletedResponse() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/status/503"))

        #expect(response.status == 503)
        #expect(response.bodyText == "{\"error\":\"unavailable\"}")
    }

    @Test func interimResponseHeadersAreDropped() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/interim"))

        #expect(response.status == 200)
        #expect(response.headers.map(\.0) == ["x-final", "content-length"])
        #expect(response.bodyText == "done")
    }

    @Test func headIgnoresTheDeclaredLengthLimit() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        // The server answers HEAD like GET minus nothing: HEAD must not read the body anyway.
        let response = await fetch(engine, UpstreamRequest(method: "HEAD", url: server.baseURL + "/status/503", maxBodyBytes: 4))

        #expect(response.status == 503)
        #expect(response.bodyBytes == [])
    }

    @Test func bytesBeyondTheDeclaredLengthAreNotDelivered() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/excess"))

        #expect(response.status == 200)
        #expect(response.bodyText == "hello")
    }
}
