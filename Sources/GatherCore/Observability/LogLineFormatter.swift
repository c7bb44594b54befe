/// Formats one log line (ending in `\n`) by hand into bytes: a line is built on the event loop
/// for every request, so no Foundation encoders, no formatters, a single growing buffer.
///
/// text: `2026-11-21T05:40:35.123Z info request route=search method=GET … upstreams=alpha:ok:12.4`
/// json: `{"ts":"…","level":"info","logger":"gather.access","msg":"request","route":"search",…}`
public enum LogLineFormatter {
    /// The upper bound of a logged path: the request line may be 8 KiB, the log line need not.
    public static let maxPathBytes = 1024

    public static func event(format: LogFormat, timestampMilliseconds: Int64, level: String, label: String,
                             message: String, metadata: [(String, String)]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128 + message.utf8.count)
        switch format {
        case .text:
            writeTextPrefix(timestampMilliseconds: timestampMilliseconds, level: level, into: &writer)
            writeTextMessage(message, into: &writer)
            for (key, value) in metadata { writeTextField(key, value, into: &writer) }
        case .json:
            writeJSONPrefix(timestampMilliseconds: timestampMilliseconds, level: level, label: label, message: message,
                            into: &writer)
            for (key, value) in metadata {
                writer.writeByte(UInt8(ascii: ","))
                writer.writeKey(key)
                writer.writeString(value)
            }
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "\n"))
        return writer.bytes
    }

    public static func access(_ record: AccessRecord, format: LogFormat, timestampMilliseconds: Int64,
                              level: String, label: String, message: String) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256 + record.upstreams.count * 24)
        switch format {
        case .text:
            writeTextPrefix(timestampMilliseconds: timestampMilliseconds, level: level, into: &writer)
            writeTextMessage(message, into: &writer)
            writer.writeByte(UInt8(ascii: " "))
            writeTextFields(of: record, into: &writer)
        case .json:
            writeJSONPrefix(timestampMilliseconds: timestampMilliseconds, level: level, label: label, message: message,
                            into: &writer)
            writeJSONFields(of: record, into: &writer)
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "\n"))
        return writer.bytes
    }

    // MARK: text

    static func writeTextFields(of record: AccessRecord, into writer: inout JSONWriter) {
        writer.writeRaw("route=")
        writeTextValue(record.route ?? "-", into: &writer)
        writeTextField("method", record.method, into: &writer)
        writer.writeRaw(" path=")
        writeTextValue(loggedPath(record.path), into: &writer)
        writer.writeRaw(" status=")
        writer.writeInt(record.status)
        writer.writeRaw(record.partial ? " partial=true ms=" : " partial=false ms=")
        writer.writeTenths(Double(record.durationNanoseconds) / 1_000_000)
        writeTextField("request_id", record.requestID, into: &writer)
        if let trace = record.trace {
            writer.writeRaw(" trace_id=")
            writeTraceID(trace, into: &writer)
        }
        if !record.upstreams.isEmpty {
            writer.writeRaw(" upstreams=")
            writeUpstreams(record.upstreams, into: &writer)
        }
        if let winner = record.winner { writeTextField("winner", winner, into: &writer) }
    }

    private static func writeTextPrefix(timestampMilliseconds: Int64, level: String, into writer: inout JSONWriter) {
        RFC3339Timestamp.append(millisecondsSinceEpoch: timestampMilliseconds, to: &writer)
        writer.writeByte(UInt8(ascii: " "))
        writer.buffer.writeString(level)
        writer.writeByte(UInt8(ascii: " "))
    }

    /// The message as it is, but on one line: control characters are escaped.
    private static func writeTextMessage(_ message: String, into writer: inout JSONWriter) {
        for byte in message.utf8 {
            if byte < 0x20 || byte == 0x7F { writeEscapedControl(byte, into: &writer) } else { writer.writeByte(byte) }
        }
    }

    private static func writeTextField(_ key: String, _ value: String, into writer: inout JSONWriter) {
        writer.writeByte(UInt8(ascii: " "))
        writer.buffer.writeString(key)
        writer.writeByte(UInt8(ascii: "="))
        writeTextValue(value, into: &writer)
    }

    /// Bare when it is one plain token, else quoted with `\"`, `\\` and control characters
    /// escaped, so a value can never end the line or forge another field.
    static func writeTextValue<S: StringProtocol>(_ value: S, into writer: inout JSONWriter) {
        let utf8 = value.utf8
        let plain = !utf8.isEmpty && utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
                && byte != UInt8(ascii: "\\")
        }
        if plain {
            writer.buffer.writeBytes(utf8)
            return
        }
        writer.writeByte(UInt8(ascii: "\""))
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                writer.writeByte(UInt8(ascii: "\\"))
                writer.writeByte(byte)
            case 0..<0x20, 0x7F:
                writeEscapedControl(byte, into: &writer)
            default:
                writer.writeByte(byte)
            }
        }
        writer.writeByte(UInt8(ascii: "\""))
    }

    private static func writeEscapedControl(_ byte: UInt8, into writer: inout JSONWriter) {
        writer.writeByte(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\n"): writer.writeByte(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): writer.writeByte(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): writer.writeByte(UInt8(ascii: "t"))
        default:
            writer.writeByte(UInt8(ascii: "x"))
            writer.writeByte(HexDigits.digit(byte >> 4))
            writer.writeByte(HexDigits.digit(byte))
        }
    }

    // MARK: json

    private static func writeJSONPrefix(timestampMilliseconds: Int64, level: String, label: String, message: String,
                                        into writer: inout JSONWriter) {
        writer.writeRaw(#"{"ts":""#)
        RFC3339Timestamp.append(millisecondsSinceEpoch: timestampMilliseconds, to: &writer)
        writer.writeRaw(#"","level":"#)
        writer.writeString(level)
        writer.writeRaw(#","logger":"#)
        writer.writeString(label)
        writer.writeRaw(#","msg":"#)
        writer.writeString(message)
    }

    private static func writeJSONFields(of record: AccessRecord, into writer: inout JSONWriter) {
        writer.writeRaw(#","route":"#)
        if let route = record.route { writer.writeString(route) } else { writer.writeNull() }
        writer.writeRaw(#","method":"#)
        writer.writeString(record.method)
        writer.writeRaw(#","path":"#)
        let path = loggedPath(record.path)
        if path.utf8.withContiguousStorageIfAvailable({ writer.writeEscaped($0) }) == nil {
            writer.writeString(String(path))
        }
        writer.writeRaw(#","status":"#)
        writer.writeInt(record.status)
        writer.writeRaw(record.partial ? #","partial":true,"ms":"# : #","partial":false,"ms":"#)
        writer.writeTenths(Double(record.durationNanoseconds) / 1_000_000)
        writer.writeRaw(#","request_id":"#)
        writer.writeString(record.requestID)
        if let trace = record.trace {
            writer.writeRaw(#","trace_id":""#)
            writeTraceID(trace, into: &writer)
            writer.writeByte(UInt8(ascii: "\""))
        }
        if !record.upstreams.isEmpty {
            // The same compact string as in text: one field whatever the upstream names, so log
            // stores do not grow a column per upstream (a 200-shard route would add 200).
            writer.writeRaw(#","upstreams":""#)
            writeUpstreams(record.upstreams, into: &writer)
            writer.writeByte(UInt8(ascii: "\""))
        }
        if let winner = record.winner {
            writer.writeRaw(#","winner":"#)
            writer.writeString(winner)
        }
    }

    // MARK: shared

    private static func loggedPath(_ path: Substring) -> Substring {
        guard path.utf8.count > maxPathBytes else { return path }
        var end = path.utf8.index(path.utf8.startIndex, offsetBy: maxPathBytes)
        // Never cut a UTF-8 sequence: step back over continuation bytes.
        while end > path.utf8.startIndex && path.utf8[end] & 0xC0 == 0x80 {
            end = path.utf8.index(before: end)
        }
        return path[..<end]
    }

    private static func writeTraceID(_ trace: TraceContext, into writer: inout JSONWriter) {
        HexDigits.append(trace.traceIDHigh, to: &writer)
        HexDigits.append(trace.traceIDLow, to: &writer)
    }

    /// `alpha:ok:12.4,beta:timeout:250.0`: names are `[a-z0-9_-]+` and statuses fixed words, so
    /// the string needs no quoting in either format.
    private static func writeUpstreams(_ reports: [UpstreamReport], into writer: inout JSONWriter) {
        for (index, report) in reports.enumerated() {
            if index > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.buffer.writeString(report.name)
            writer.writeByte(UInt8(ascii: ":"))
            writer.buffer.writeString(report.status.rawValue)
            writer.writeByte(UInt8(ascii: ":"))
            writer.writeTenths(report.ms)
        }
    }
}
