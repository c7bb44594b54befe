import Foundation
import Synchronization
import Testing
@testable import GatherCurl

/// Stands in for an event loop: what a lane schedules is queued here and run by `pump`, on the
/// test's thread, so the tests see exactly how many hops the lane asked for.
final class ManualOwner: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        var scheduled = 0
    }

    private let state = Mutex(State())

    func schedule(_ work: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.queue.append(work)
            state.scheduled += 1
        }
    }

    /// Hops asked for so far.
    var scheduledCount: Int { state.withLock { state in state.scheduled } }

    /// Runs what is queued (and what that queues) until `done` or the deadline passes.
    func pump(until done: () -> Bool, seconds: Double = 10) {
        let deadline = Date().addingTimeInterval(seconds)
        while !done() && Date() < deadline {
            let batch: [@Sendable () -> Void] = state.withLock { state in
                let taken = state.queue
                state.queue.removeAll()
                return taken
            }
            if batch.isEmpty {
                usleep(1_000)
            }
            for work in batch {
                work()
            }
        }
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct TransferLaneTests {
    @Test func lanesGetTheirOwnThreadsWhenThereAreEnough() {
        #expect(TransferEngine.threadIndices(forLane: 0, lanes: 2, threads: 2) == [0])
        #expect(TransferEngine.threadIndices(forLane: 1, lanes: 2, threads: 2) == [1])
        #expect(TransferEngine.threadIndices(forLane: 0, lanes: 2, threads: 5) == [0, 2, 4])
        #expect(TransferEngine.threadIndices(forLane: 1, lanes: 2, threads: 5) == [1, 3])
    }

    @Test func lanesShareThreadsWhenThereAreFewer() {
        #expect(TransferEngine.threadIndices(forLane: 0, lanes: 3, threads: 2) == [0])
        #expect(TransferEngine.threadIndices(forLane: 1, lanes: 3, threads: 2) == [1])
        #expect(TransferEngine.threadIndices(forLane: 2, lanes: 3, threads: 2) == [0])
        #expect(TransferEngine.threadIndices(forLane: 0, lanes: 1, threads: 0) == [])
    }

    @Test func aBatchOfStartsAsksForOneFlushAndEveryCompletionComesBackOnce() throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }
        let owner = ManualOwner()
        let lane = try #require(engine.makeLanes(count: 1) { _, work in owner.schedule(work) }.first)
        let recorder = CompletionRecorder()
        let delivered = Counter()

        for index in 0..<5 {
            lane.start(UpstreamRequest(url: server.baseURL + "/json?n=\(index)", timeoutMilliseconds: 5_000)) { response in
                recorder.record(response)
                lane.deliver { delivered.increment() }
            }
        }
        // Five starts, one scheduled flush: the transfer thread is woken once for the batch.
        #expect(owner.scheduledCount == 1)

        owner.pump(until: { delivered.value == 5 })
        #expect(recorder.count == 5)
        #expect(recorder.all.allSatisfy { $0.status == 200 })
        #expect(delivered.value == 5)
        // The flush plus at most one hop per completion (fewer when they share a round).
        #expect(owner.scheduledCount <= 1 + 5)
    }

    @Test func deliverOffATransferThreadSchedulesAtOnce() throws {
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown() }
        let owner = ManualOwner()
        let lane = try #require(engine.makeLanes(count: 1) { _, work in owner.schedule(work) }.first)
        let delivered = Counter()

        lane.deliver { delivered.increment() }
        #expect(owner.scheduledCount == 1)
        #expect(delivered.value == 0)  // scheduled, not run inline
        owner.pump(until: { delivered.value == 1 })
        #expect(delivered.value == 1)
    }

    @Test func startAfterShutdownCompletesAsCancelled() throws {
        let engine = TransferEngine(threads: 1)
        let owner = ManualOwner()
        let lane = try #require(engine.makeLanes(count: 1) { _, work in owner.schedule(work) }.first)
        engine.shutdown()
        let recorder = CompletionRecorder()

        lane.start(UpstreamRequest(url: "http://127.0.0.1:\(refusedPort())/")) { recorder.record($0) }
        #expect(recorder.waitForCount(1, seconds: 5))
        #expect(recorder.all.first?.failure == .cancelled)
    }

    @Test func cancelWorksOnALaneTransfer() throws {
        let server = try TestHTTPServer()
        let engine = TransferEngine(threads: 1)
        defer { engine.shutdown(); server.stop() }
        let owner = ManualOwner()
        let lane = try #require(engine.makeLanes(count: 1) { _, work in owner.schedule(work) }.first)
        let recorder = CompletionRecorder()

        let handle = lane.start(UpstreamRequest(url: server.baseURL + "/hang", timeoutMilliseconds: 30_000)) {
            recorder.record($0)
        }
        lane.flush()
        engine.cancel(handle)
        owner.pump(until: { recorder.count == 1 })
        #expect(recorder.count == 1)
        #expect(recorder.all.first?.failure == .cancelled)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
