import GatherCore
import Logging

/// One line per client request, through swift-log at `info`: `--log-level warning` (or
/// `--access-log off`) silences it. The record travels as one metadata value that
/// `GatherLogHandler` formats directly; any other handler prints its `description`.
struct AccessLog: Sendable {
    static let metadataKey = "access"
    let logger: Logger

    /// Checked before a record is built, so a silenced access log costs one comparison.
    var isEnabled: Bool { logger.logLevel <= .info }

    func write(_ record: AccessRecord) {
        // An explicit source: swift-log would otherwise derive one from #fileID on every call.
        logger.info("request", metadata: [Self.metadataKey: .stringConvertible(record)], source: "gather")
    }

    static func record(in metadata: Logger.Metadata?) -> AccessRecord? {
        guard let metadata, metadata.count == 1,
              case .stringConvertible(let value)? = metadata[metadataKey] else { return nil }
        return value as? AccessRecord
    }
}
