import Foundation
import GatherCore
import Logging

/// One JSON object per line on stderr, for log shippers.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        let extra = event.metadata
        var object = JSONObject([
            ("ts", .string(ISO8601DateFormatter().string(from: Date()))),
            ("level", .string(level.rawValue)),
            ("logger", .string(label)),
            ("msg", .string(message.description)),
        ])
        for (key, value) in metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
            object[key] = .string(value.description)
        }
        var writer = JSONWriter()
        writer.write(.object(object))
        FileHandle.standardError.write(Data(writer.bytes + [UInt8(ascii: "\n")]))
    }
}
