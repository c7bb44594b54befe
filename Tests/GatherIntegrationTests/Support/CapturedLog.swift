import GatherCore
import GatherServer
import GatherTestSupport
import Logging

/// A logger whose lines (JSON, through the real handler and writer thread) a test can read.
final class CapturedLog: Sendable {
    let writer: LogWriter
    private let bytes: Locked<[UInt8]>

    init(level: Logger.Level = .info, format: LogFormat = .json) {
        let bytes = Locked<[UInt8]>([])
        self.bytes = bytes
        writer = LogWriter(sink: { chunk in bytes.withLock { $0.append(contentsOf: chunk) } })
        self.level = level
        self.format = format
    }

    private let level: Logger.Level
    private let format: LogFormat

    var logger: Logger {
        let writer = writer, level = level, format = format
        return Logger(label: "gather") { label in GatherLogHandler(label: label, format: format, level: level, writer: writer) }
    }

    /// Every line written so far (after a flush of the writer).
    var lines: [String] {
        writer.flush()
        return String(decoding: bytes.withLock { $0 }, as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    /// The access lines (`"msg":"request"`), parsed.
    var accessLines: [JSONValue] {
        lines.compactMap { try? JSONParser.parse(Array($0.utf8)) }
            .filter { JSONPointer("/msg")!.resolve(in: $0) == .string("request") }
    }

    /// Waits up to 5 s for `count` access lines (the 499 line comes after the client left).
    func waitForAccessLines(_ count: Int) async throws -> [JSONValue] {
        let deadline = ContinuousClock.now + .seconds(5)
        while accessLines.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return accessLines
    }

    func stop() {
        writer.shutdown()
    }
}

extension JSONValue {
    subscript(pointer: String) -> JSONValue? {
        JSONPointer(pointer)?.resolve(in: self)
    }
}
