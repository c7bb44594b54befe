/// W3C Trace Context (https://www.w3.org/TR/trace-context/) as gather carries it: the trace it
/// belongs to (the client's, else a new one), the flags, and the client's `tracestate`, which
/// is forwarded unchanged. Span ids are not part of it: gather's own span and every upstream
/// attempt's get fresh ones.
public struct TraceContext: Sendable, Equatable {
    public var traceIDHigh: UInt64
    public var traceIDLow: UInt64
    public var flags: UInt8
    /// Only when the client's `traceparent` was valid: the spec drops `tracestate` with a
    /// `traceparent` that had to be replaced.
    public var tracestate: String?

    public init(traceIDHigh: UInt64, traceIDLow: UInt64, flags: UInt8, tracestate: String? = nil) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.flags = flags
        self.tracestate = tracestate
    }

    /// The longest `tracestate` forwarded; the spec asks for at least 512 characters. Longer (or
    /// not printable) ones are dropped rather than cut, since a cut list member is corrupt.
    public static let maxTracestateBytes = 8192

    /// The client's trace when its `traceparent` is valid, otherwise a new trace (sampled) without
    /// `tracestate`.
    public static func make<G: RandomNumberGenerator>(clientTraceparent: String?, clientTracestate: String?,
                                                      using generator: inout G) -> TraceContext {
        if let clientTraceparent, var parsed = parse(traceparent: clientTraceparent) {
            if let clientTracestate, isForwardable(tracestate: clientTracestate) {
                parsed.tracestate = clientTracestate
            }
            return parsed
        }
        var high = generator.next()
        let low = generator.next()
        if high == 0 && low == 0 { high = 1 }
        return TraceContext(traceIDHigh: high, traceIDLow: low, flags: 0x01)
    }

    /// Parses `version-traceid-parentid-flags`. Version `00` is exactly 55 characters; a higher
    /// version (not `ff`) is read the same way and may carry more after a `-`, as the spec asks.
    /// Lowercase hex only; an all-zero trace id or parent id is invalid.
    public static func parse(traceparent: String) -> TraceContext? {
        var text = traceparent
        return text.withUTF8 { bytes -> TraceContext? in
            guard bytes.count >= 55,
                  let version = HexDigits.parseLowercase(bytes, from: 0, count: 2), version != 0xFF,
                  version != 0 || bytes.count == 55,
                  bytes.count == 55 || bytes[55] == UInt8(ascii: "-"),
                  bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
                  let high = HexDigits.parseLowercase(bytes, from: 3, count: 16),
                  let low = HexDigits.parseLowercase(bytes, from: 19, count: 16),
                  let parent = HexDigits.parseLowercase(bytes, from: 36, count: 16),
                  let flags = HexDigits.parseLowercase(bytes, from: 53, count: 2),
                  high != 0 || low != 0, parent != 0
            else { return nil }
            return TraceContext(traceIDHigh: high, traceIDLow: low, flags: UInt8(flags))
        }
    }

    static func isForwardable(tracestate: String) -> Bool {
        let utf8 = tracestate.utf8
        return !utf8.isEmpty && utf8.count <= maxTracestateBytes
            && utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }

    /// `00-<trace id>-<parent id>-<flags>`: one 55-byte string, built without formatting calls.
    public func traceparent(parentID: UInt64) -> String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            HexDigits.write(traceIDHigh, into: buffer, at: 3)
            HexDigits.write(traceIDLow, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            HexDigits.write(parentID, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            HexDigits.write(byte: flags, into: buffer, at: 53)
            return 55
        }
    }

    /// The 32 hex digits of the trace id, as the access log shows it.
    public var traceIDHex: String {
        HexDigits.string(traceIDHigh, traceIDLow)
    }

    /// A span id for a new hop: any value but zero, which the spec reserves for "invalid".
    public static func newSpanID<G: RandomNumberGenerator>(using generator: inout G) -> UInt64 {
        while true {
            let value = generator.next()
            if value != 0 { return value }
        }
    }
}
