import Foundation
import Testing
@testable import GatherCurl

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TransferEngineCancellationTests {
    @Test func cancelMidFlightClosesTheConnection() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 2)
        defer { engine.shutdown(); server.stop() }
        let recorder = CompletionRecorder()

        let handle = engine.start(UpstreamRequest(url: server.baseURL + "/hang", timeoutMilliseconds: 30_000)) {
            recorder.record($0)
        }
        #expect(server.waitUntil(seconds: 5) { server.hangRequests == 1 })
        engine.cancel(handle)

        #expect(recorder.waitForCount(1, seconds: 2))
        #expect(recorder.all.first?.failure == .cancelled)
        #expect(server.waitUntil(seconds: 2) { server.hangClosed == 1 })
        engine.cancel(handle)
        usleep(50_000)
        #expect(recorder.count == 1)
    }

    @Test func cancelAfterCompletionIsANoOp() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }
        let recorder = CompletionRecorder()

        let handle = engine.start(UpstreamRequest(url: server.baseURL + "/json")) { recorder.record($0) }
        #expect(recorder.waitForCount(1, seconds: 5))
        engine.cancel(handle)
        let next = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))

        #expect(recorder.count == 1)
        #expect(recorder.all.first?.status == 200)
        #expect(next.status == 200)
        #expect(next.connectionsOpened == 0)
    }

    @Test func shutdownCancelsTransfersInFlight() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 2)
        defer { server.stop() }
        let recorder = CompletionRecorder()

        for _ in 0..<6 {
            engine.start(UpstreamRequest(url: server.baseURL + "/hang", timeoutMilliseconds: 30_000)) { recorder.record($0) }
        }
        #expect(server.waitUntil(seconds: 5) { server.hangRequests == 6 })
        engine.shutdown()

        // shutdown waited for the threads, which completed everything first.
        #expect(recorder.count == 6)
        #expect(recorder.all.allSatisfy { $0.failure == .cancelled })
        #expect(server.waitUntil(seconds: 2) { server.hangClosed == 6 })

        let late = await fetch(engine, UpstreamRequest(url: server.baseURL + "/json"))
        #expect(late.failure == .cancelled)
        engine.shutdown()
    }

    @Test func completionMayStartAndCancelOnTheTransferThread() async throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }
        let recorder = CompletionRecorder()

        engine.start(UpstreamRequest(url: server.baseURL + "/json")) { first in
            recorder.record(first)
            let second = engine.start(UpstreamRequest(url: server.baseURL + "/hang", timeoutMilliseconds: 30_000)) {
                recorder.record($0)
            }
            engine.cancel(second)
        }

        #expect(recorder.waitForCount(2, seconds: 5))
        #expect(recorder.all.first?.status == 200)
        #expect(recorder.all.last?.failure == .cancelled)
    }
}
