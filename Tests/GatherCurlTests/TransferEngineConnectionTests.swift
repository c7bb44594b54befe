import Foundation
import Testing
@testable import GatherCurl

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TransferEngineConnectionTests {
    @Test func sequentialRequestsReuseConnections() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 2)
        defer { engine.shutdown(); server.stop() }

        var reused = 0
        for _ in 0..<100 {
            let response = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json", timeoutMilliseconds: 5_000))
            #expect(response.status == 200)
            if response.connectionsOpened == 0 {
                reused += 1
            }
        }

        // One connection per transfer thread, plus slack.
        #expect(server.accepted <= 2 + 2)
        #expect(reused >= 95)
    }

    @Test func freshConnectionOpensANewOne() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }

        _ = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        let warm = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        #expect(warm.connectionsOpened == 0)
        #expect(server.accepted == 1)

        let fresh = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json", freshConnection: true))

        #expect(fresh.status == 200)
        #expect(fresh.connectionsOpened == 1)
        #expect(server.waitUntil(seconds: 2) { server.accepted == 2 })
    }

    @Test func twoHundredConcurrentTransfersAllComplete() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 2, maxConnectionsPerHost: 32)
        defer { engine.shutdown(); server.stop() }

        let mismatches = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let response = await fetch(engine, UpstreamRequest(
                        method: "POST", url: server.baseURL + "/echo", body: Array("n=\(index)".utf8), timeoutMilliseconds: 20_000))
                    return response.echo?["body"] as? String == "n=\(index)"
                }
            }
            var bad = 0
            for await matched in group where !matched {
                bad += 1
            }
            return bad
        }

        #expect(mismatches == 0)
        // 16 per host per thread: the per-host bound holds.
        #expect(server.accepted <= 32)
    }
}
