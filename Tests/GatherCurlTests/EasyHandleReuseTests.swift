import Foundation
import Testing
@testable import GatherCurl

/// One transfer thread reuses its easy handles: a plain GET after a plain GET keeps the
/// handle's options, anything else resets them. Every request must still go out exactly as asked.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct EasyHandleReuseTests {
    @Test func mixedMethodsOnOneThreadEachSendOnlyTheirOwnOptions() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let first = await fetch(engine, UpstreamRequest(url: server.baseURL + "/echo?n=1", headers: [("X-One", "1")]))
        let second = await fetch(engine, UpstreamRequest(url: server.baseURL + "/echo?n=2", headers: [("X-Two", "2")]))
        let post = await fetch(engine, UpstreamRequest(method: "POST", url: server.baseURL + "/echo", body: Array("b".utf8)))
        let afterPost = await fetch(engine, UpstreamRequest(url: server.baseURL + "/echo?n=3"))
        let head = await fetch(engine, UpstreamRequest(method: "HEAD", url: server.baseURL + "/json"))
        let afterHead = await fetch(engine, UpstreamRequest(url: server.baseURL + "/echo?n=4"))

        #expect(first.echo?["path"] as? String == "/echo?n=1")
        #expect((first.echo?["headers"] as? [String: String])?["x-one"] == "1")
        #expect(second.echo?["method"] as? String == "GET")
        #expect(second.echo?["path"] as? String == "/echo?n=2")
        let secondHeaders = try #require(second.echo?["headers"] as? [String: String])
        #expect(secondHeaders["x-two"] == "2")
        #expect(secondHeaders["x-one"] == nil)
        #expect(post.echo?["method"] as? String == "POST")
        #expect(post.echo?["body"] as? String == "b")
        #expect(afterPost.echo?["method"] as? String == "GET")
        #expect(afterPost.echo?["body"] as? String == "")
        #expect((afterPost.echo?["headers"] as? [String: String])?["content-length"] == nil)
        #expect(head.status == 200)
        #expect(head.bodyBytes == [])
        #expect(afterHead.echo?["method"] as? String == "GET")
        #expect(afterHead.echo?["path"] as? String == "/echo?n=4")
    }

    @Test func aFreshConnectionGetAfterPlainGetsOpensANewConnection() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        let first = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        let reused = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        let fresh = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json", freshConnection: true))
        let plainAgain = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))

        #expect(first.connectionsOpened == 1)
        #expect(reused.connectionsOpened == 0)
        #expect(fresh.connectionsOpened == 1)
        #expect(plainAgain.connectionsOpened == 0)
    }
}
