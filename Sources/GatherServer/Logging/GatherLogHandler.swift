import GatherCore
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gather's swift-log handler: formats each line on the calling thread (cheaply, by hand) and
/// hands the bytes to a `LogWriter`, whose one thread does the writing. Access records (see
/// `AccessLog`) are formatted field by field in a fixed order; other metadata sorted by key.
public struct GatherLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let format: LogFormat
    public let writer: LogWriter

    public init(label: String, format: LogFormat, level: Logger.Level, writer: LogWriter,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.writer = writer
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let timestamp = Self.wallClockMilliseconds()
        // The access path passes exactly one entry and no handler metadata: no merging.
        if metadata.isEmpty, metadataProvider == nil, let record = AccessLog.record(in: event.metadata) {
            writer.enqueue(LogLineFormatter.access(record, format: format, timestampMilliseconds: timestamp,
                                                   level: event.level.rawValue, label: label,
                                                   message: event.message.description))
            return
        }
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        let fields = merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) }
        writer.enqueue(LogLineFormatter.event(format: format, timestampMilliseconds: timestamp,
                                              level: event.level.rawValue, label: label,
                                              message: event.message.description, metadata: fields))
    }

    /// Wall-clock time for the timestamp (a vDSO call, no system call).
    public static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
