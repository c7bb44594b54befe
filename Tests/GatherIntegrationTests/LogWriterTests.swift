import Dispatch
@testable import GatherServer
import GatherTestSupport
import Testing

@Suite("Background log writer")
struct LogWriterTests {
    /// A sink that records what it was given, and can be held shut to simulate a stuck stderr.
    final class HeldSink: Sendable {
        let written = Locked<[String]>([])
        let entered = Locked(0)
        let gate = DispatchSemaphore(value: 0)
        let holds: Bool

        init(holds: Bool) { self.holds = holds }

        var sink: LogWriter.Sink {
            { [self] bytes in
                entered.withLock { $0 += 1 }
                if holds { gate.wait() }
                written.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }

        func release(_ count: Int = 100) { for _ in 0..<count { gate.signal() } }

        func waitUntilEntered(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(5)
            while entered.withLock({ $0 }) < count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    private func line(_ text: String) -> [UInt8] { Array((text + "\n").utf8) }

    @Test("lines come out whole and in order; flush waits until they are written")
    func inOrder() {
        let sink = HeldSink(holds: false)
        let writer = LogWriter(sink: sink.sink)
        defer { writer.shutdown() }
        for index in 0..<1000 { #expect(writer.enqueue(line("line \(index)"))) }
        #expect(writer.flush())
        let text = sink.written.withLock { $0.joined() }
        #expect(text == (0..<1000).map { "line \($0)\n" }.joined())
        #expect(writer.droppedLines == 0)
    }

    @Test("a full queue drops lines and counts them instead of blocking; the count is written later")
    func dropsWhenFull() async throws {
        let sink = HeldSink(holds: true)
        let writer = LogWriter(capacityBytes: 10, dropNotice: { Array("dropped \($0)\n".utf8) }, sink: sink.sink)
        #expect(writer.enqueue(line("L1!")))        // taken by the writer, which is then held in the sink
        try await sink.waitUntilEntered(1)
        #expect(writer.enqueue(line("L2!")))        // 4 bytes queued
        #expect(writer.enqueue(line("L3!")))        // 8 bytes queued
        #expect(!writer.enqueue(line("L4!")))       // 12 > 10: dropped, at once
        #expect(!writer.enqueue(line("L5!")))
        #expect(writer.droppedLines == 2)
        sink.release()
        #expect(writer.flush())
        writer.shutdown()
        #expect(sink.written.withLock { $0 } == ["L1!\n", "L2!\nL3!\ndropped 2\n"])
    }

    @Test("the dropped count is exported as gather_log_lines_dropped_total, growing by what was dropped since the last scrape")
    func droppedLinesExported() async throws {
        let sink = HeldSink(holds: true)
        let writer = LogWriter(capacityBytes: 4, sink: sink.sink)
        let metrics = GatewayMetrics(droppedLogLines: { writer.droppedLines })
        let live = LiveRoutes(routes: [], metrics: metrics)
        func scraped() throws -> Double? {
            try PrometheusExposition(String(decoding: metrics.exposition(inFlight: 0, routes: live), as: UTF8.self))
                .value("gather_log_lines_dropped_total")
        }
        #expect(try scraped() == 0)
        #expect(writer.enqueue(line("L1!")))
        try await sink.waitUntilEntered(1)
        #expect(writer.enqueue(line("L2!")))
        #expect(!writer.enqueue(line("L3!")))
        #expect(!writer.enqueue(line("L4!")))
        #expect(try scraped() == 2)
        #expect(try scraped() == 2, "a second scrape adds nothing")
        #expect(!writer.enqueue(line("L5!")))
        #expect(try scraped() == 3)
        sink.release()
        #expect(writer.flush())
        writer.shutdown()
    }

    @Test("flush gives up after its timeout when the output is stuck")
    func flushTimeout() async throws {
        let sink = HeldSink(holds: true)
        let writer = LogWriter(sink: sink.sink)
        writer.enqueue(line("stuck"))
        try await sink.waitUntilEntered(1)
        let started = ContinuousClock.now
        #expect(!writer.flush(timeoutMilliseconds: 50))
        #expect(ContinuousClock.now - started < .seconds(3))
        sink.release()
        writer.shutdown()
        #expect(sink.written.withLock { $0 } == ["stuck\n"])
    }

    @Test("lines that arrive while the writer lingers go out in one batch")
    func batches() {
        let sink = HeldSink(holds: false)
        let writer = LogWriter(lingerMilliseconds: 5000, sink: sink.sink)
        defer { writer.shutdown() }
        writer.enqueue(line("one"))
        writer.enqueue(line("two"))
        writer.enqueue(line("three"))
        #expect(writer.flush(), "a flush ends the linger")
        #expect(sink.written.withLock { $0 } == ["one\ntwo\nthree\n"])
    }

    @Test("a full batch ends the linger without a flush")
    func fullBatchIsWritten() async throws {
        let sink = HeldSink(holds: false)
        let writer = LogWriter(batchBytes: 8, lingerMilliseconds: 60_000, sink: sink.sink)
        defer { writer.shutdown() }
        writer.enqueue(line("aaa"))
        writer.enqueue(line("bbb"))
        try await sink.waitUntilEntered(1)
        #expect(sink.written.withLock { $0 } == ["aaa\nbbb\n"])
    }

    @Test("lines logged right before shutdown are written; later ones are dropped")
    func shutdownWritesEverything() {
        let sink = HeldSink(holds: false)
        let writer = LogWriter(sink: sink.sink)
        writer.enqueue(line("last words"))
        writer.shutdown()
        #expect(sink.written.withLock { $0.joined() } == "last words\n")
        #expect(!writer.enqueue(line("too late")))
    }
}
