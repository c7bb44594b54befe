import GatherCore
import GatherServer
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Every log line of the process goes through `GatherLogHandler` to one `LogWriter` thread on
/// stderr; lines logged right before exit are flushed by an `atexit` hook.
enum LoggingSetup {
    /// Static because the `atexit` hook is a C function pointer and cannot capture it.
    private static let installed = Mutex<LogWriter?>(nil)
    static var writer: LogWriter? { installed.withLock { $0 } }

    static func bootstrap(format: LogFormat, level: Logger.Level) {
        let writer = LogWriter(dropNotice: { count in
            LogLineFormatter.event(format: format, timestampMilliseconds: GatherLogHandler.wallClockMilliseconds(), level: "warning", label: "gather",
                                   message: "log lines dropped: the log writer fell behind",
                                   metadata: [("count", String(count))])
        })
        installed.withLock { $0 = writer }
        LoggingSystem.bootstrap { label in
            GatherLogHandler(label: label, format: format, level: level, writer: writer)
        }
        atexit { LoggingSetup.writer?.flush() }
    }
}
