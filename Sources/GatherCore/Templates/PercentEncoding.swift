/// Percent-encoding for the places a request value can land in an upstream request.
/// Every function encodes UTF-8 bytes, so no value can smuggle a delimiter into its position.
public enum PercentEncoding {
    /// RFC 3986 unreserved: ALPHA DIGIT - . _ ~
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// One path segment: only unreserved bytes stay, so `/`, `?`, `#`, `%` cannot split or end
    /// the path; `.` and `..` become `%2E` and `%2E%2E` so that a value cannot climb the path.
    public static func encodePathSegment(_ value: String) -> String {
        if value == "." { return "%2E" }
        if value == ".." { return "%2E%2E" }
        return encode(value, keeping: isUnreserved)
    }

    /// A query name or value: only unreserved bytes stay, so `&`, `=`, `#`, `+` cannot add or
    /// change a parameter.
    public static func encodeQueryComponent(_ value: String) -> String {
        encode(value, keeping: isUnreserved)
    }

    /// A header value: control bytes (0x00–0x1F, 0x7F) are encoded so that a value can never
    /// end the header line or add another header.
    public static func encodeHeaderValue(_ value: String) -> String {
        encode(value, keeping: { $0 >= 0x20 && $0 != 0x7F })
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the bytes are not UTF-8.
    /// `+` stays `+` (it means space only in form bodies, not in paths).
    public static func decode<S: StringProtocol>(_ text: S) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func encode(_ value: String, keeping keep: (UInt8) -> Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if keep(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
