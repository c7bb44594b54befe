import GatherCore

/// The `event: upstream` of a progressive (Server-Sent Events) answer: one upstream's final
/// state the moment it has one, with what it brought.
enum ProgressEvent {
    static func upstream(_ report: UpstreamReport, payload: AttemptPayload?, mergesItems: Bool) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw("event: upstream\ndata: {")
        writer.writeKey("name")
        writer.writeString(report.name)
        writer.writeRaw(",")
        writer.writeKey("status")
        writer.writeString(report.status.rawValue)
        if let httpStatus = report.httpStatus {
            writer.writeRaw(",")
            writer.writeKey("http_status")
            writer.writeInt(httpStatus)
        }
        writer.writeRaw(",")
        writer.writeKey("ms")
        writer.writeTenths(report.ms)
        writer.writeRaw(",")
        writer.writeKey("attempts")
        writer.writeInt(report.attempts)
        if let cache = report.cache {
            writer.writeRaw(",")
            writer.writeKey("cache")
            writer.writeString(cache.rawValue)
        }
        if case .indexed(let answer)? = payload {
            writer.writeRaw(",")
            if mergesItems {
                writer.writeKey("items")
                writer.writeByte(UInt8(ascii: "["))
                for (position, item) in answer.items.enumerated() {
                    if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
                    writer.write(answer.itemsDocument, item)
                }
                writer.writeByte(UInt8(ascii: "]"))
            } else {
                writer.writeKey("data")
                writer.write(answer.body, answer.value ?? JSONDocument.root)
            }
        } else if mergesItems {
            writer.writeRaw(",")
            writer.writeKey("items")
            writer.writeRaw("[]")
        }
        if let error = report.error {
            writer.writeRaw(",")
            writer.writeKey("error")
            writer.writeString(error)
        }
        writer.writeRaw("}\n\n")
        return writer.bytes
    }

    /// `event: result` with the whole envelope. The HTTP status went out before the outcome was
    /// known, so the status a plain request would have had is the envelope's first member.
    static func result(status: Int, envelope: [UInt8]) -> [UInt8] {
        var bytes = Array("event: result\ndata: {\"status\":\(status)".utf8)
        bytes.reserveCapacity(bytes.count + envelope.count + 4)
        if envelope.count > 2 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: envelope.dropFirst())
        bytes.append(contentsOf: Array("\n\n".utf8))
        return bytes
    }
}
