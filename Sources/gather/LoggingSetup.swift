import GatherCore
import GatherServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Every log line of the process goes through `GatherLogHandler` to one `LogWriter` thread on
/// stderr; lines logged right before exit are flushed by an `atexit` hook.
enum LoggingSetup {
    nonisolated(unsafe) private(set) static var writer: LogWriter?

    static func bootstrap(format: LogFormat, level: Logger.Level) {
        let writer = LogWriter(dropNotice: { count in
            LogLineFormatter.event(format: format, timestampMilliseconds: GatherLogHandler.wallClockMilliseconds(), level: "warning", label: "gather",
                                   message: "log lines dropped: the log writer fell behind",
                                   metadata: [("count", String(count))])
        })
        Self.writer = writer
        LoggingSystem.bootstrap { label in
            GatherLogHandler(label: label, format: format, level: level, writer: writer)
        }
        atexit { LoggingSetup.writer?.flush() }
    }
}
