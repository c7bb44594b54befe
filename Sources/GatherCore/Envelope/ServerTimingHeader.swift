/// The `Server-Timing` header of an aggregated answer: one entry per upstream in route order,
/// `alpha;dur=12.4, beta;dur=250.0;desc="timeout"` (`desc` only for upstreams not `ok`).
public enum ServerTimingHeader {
    public static func value(_ reports: [UpstreamReport]) -> String {
        var writer = JSONWriter(reservingCapacity: 32 * reports.count)
        for (position, report) in reports.enumerated() {
            if position > 0 { writer.writeRaw(", ") }
            appendToken(report.name, to: &writer)
            writer.writeRaw(";dur=")
            writer.writeTenths(report.ms)
            if report.status != .ok {
                writer.writeRaw(";desc=\"")
                writer.writeRaw(Array(report.status.rawValue.utf8))
                writer.writeByte(UInt8(ascii: "\""))
            } else if let cache = report.cache, cache != .miss {
                // Answered without a transfer of its own: hit, stale or coalesced.
                writer.writeRaw(";desc=\"")
                writer.writeRaw(Array(cache.rawValue.utf8))
                writer.writeByte(UInt8(ascii: "\""))
            }
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Metric names must be HTTP tokens; route loading already restricts upstream names, but a
    /// header must never carry a separator, quote or line break, so others become `_`.
    private static func appendToken(_ name: String, to writer: inout JSONWriter) {
        for byte in name.utf8 {
            // A map's call `price[3]` is `price.3` (brackets are not token characters).
            if byte == UInt8(ascii: "[") {
                writer.writeByte(UInt8(ascii: "."))
            } else if byte == UInt8(ascii: "]") {
                continue
            } else {
                writer.writeByte(isTokenByte(byte) ? byte : UInt8(ascii: "_"))
            }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
