/// Writes an `Envelope` as compact JSON with keys in the contract's order:
/// `items`|`data`, `partial`, `upstreams`, `summary`, `votes`.
///
/// Per upstream: `status`, `http_status` (when known), `ms` (one decimal place), `attempts`,
/// `hedged: true` (only when a hedge was sent), `won_by` and `count` (only for `ok`),
/// `cache` and `age_ms` (upstreams with a cache), `error` (only when there is a detail).
/// `"stale": true` follows `partial` only when a slot was filled from a stale entry.
public enum EnvelopeWriter {
    public static func write(_ envelope: Envelope, into writer: inout JSONWriter) {
        // A search answer is a few KB: one allocation up front instead of a dozen doublings
        // (each one past 1 KB also makes malloc consolidate its fast bins).
        writer.reserve(typicalSize)
        writer.writeByte(UInt8(ascii: "{"))
        switch envelope.payload {
        case .items(let items):
            writer.writeRaw("\"items\":")
            items.write(into: &writer)
        case .data(let value):
            writer.writeRaw("\"data\":")
            value.write(into: &writer, contributions: envelope.contributions)
        }
        writer.writeRaw(",\"partial\":")
        writer.writeBool(envelope.partial)
        if envelope.stale { writer.writeRaw(",\"stale\":true") }
        writer.writeRaw(",\"upstreams\":{")
        for (position, report) in envelope.upstreams.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeKey(report.name)
            write(report, into: &writer)
        }
        writer.writeByte(UInt8(ascii: "}"))
        if let summary = envelope.summary {
            writer.writeRaw(",\"summary\":{")
            for (position, entry) in summary.enumerated() {
                if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
                writer.writeKey(entry.name)
                entry.value.write(into: &writer, contributions: envelope.contributions)
            }
            writer.writeByte(UInt8(ascii: "}"))
        }
        if let votes = envelope.votes {
            writer.writeRaw(",\"votes\":{\"agree\":")
            writer.writeInt(votes.agree)
            writer.writeRaw(",\"of\":")
            writer.writeInt(votes.of)
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    /// The envelope's compact JSON bytes in a fresh buffer.
    public static func bytes(_ envelope: Envelope) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 4096)
        write(envelope, into: &writer)
        return writer.bytes
    }

    private static let typicalSize = 4096

    private static func write(_ report: UpstreamReport, into writer: inout JSONWriter) {
        writer.writeRaw("{\"status\":")
        writer.writeString(report.status.rawValue)
        if let httpStatus = report.httpStatus {
            writer.writeRaw(",\"http_status\":")
            writer.writeInt(httpStatus)
        }
        writer.writeRaw(",\"ms\":")
        writer.writeTenths(report.ms)
        writer.writeRaw(",\"attempts\":")
        writer.writeInt(report.attempts)
        if report.hedged {
            writer.writeRaw(",\"hedged\":true")
        }
        if let calls = report.calls {
            calls.write(into: &writer)
            // A folded map that is partial still brought the items of its ok calls.
            if report.status != .ok, let count = report.count {
                writer.writeRaw(",\"count\":")
                writer.writeInt(count)
            }
        }
        if report.status == .ok {
            if let wonBy = report.wonBy {
                writer.writeRaw(",\"won_by\":")
                writer.writeString(wonBy.rawValue)
            }
            if let count = report.count {
                writer.writeRaw(",\"count\":")
                writer.writeInt(count)
            }
        }
        if let cache = report.cache {
            writer.writeRaw(",\"cache\":")
            writer.writeString(cache.rawValue)
        }
        if let age = report.ageMilliseconds {
            writer.writeRaw(",\"age_ms\":")
            writer.writeTenths(age)
        }
        if let error = report.error {
            writer.writeRaw(",\"error\":")
            writer.writeString(error)
        }
        writer.writeByte(UInt8(ascii: "}"))
    }
}
