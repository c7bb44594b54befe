/// Turns one request header into the NUL-terminated line libcurl's header list takes, refusing
/// what would let a value smuggle in another header or request.
enum RequestHeaderEncoder {
    enum Verdict: Equatable {
        case encoded
        /// Framing headers the engine sets itself (Content-Length, Transfer-Encoding).
        case skipped
        case invalid(String)
    }

    /// Writes `name: value\0` (or `name;\0` for an empty value, libcurl's spelling for "send
    /// it empty": `name:` would remove the header) into `line`, replacing its contents.
    static func encode(name: String, value: String, into line: inout [UInt8]) -> Verdict {
        line.removeAll(keepingCapacity: true)
        guard !name.isEmpty else {
            return .invalid("request header with an empty name")
        }
        for byte in name.utf8 where !isTokenByte(byte) {
            return .invalid("request header name \(quoted(name)) is not an HTTP token")
        }
        if equalsIgnoringASCIICase(name, "content-length") || equalsIgnoringASCIICase(name, "transfer-encoding") {
            return .skipped
        }
        for byte in value.utf8 where byte == 0 || byte == 0x0A || byte == 0x0D {
            return .invalid("request header \(name) has a CR, LF or NUL in its value")
        }
        line.append(contentsOf: name.utf8)
        if value.isEmpty {
            line.append(UInt8(ascii: ";"))
        } else {
            line.append(UInt8(ascii: ":"))
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: value.utf8)
        }
        line.append(0)
        return .encoded
    }

    /// Compares without allocating a lowercased copy.
    static func equalsIgnoringASCIICase(_ text: String, _ lowercase: StaticString) -> Bool {
        equalsIgnoringASCIICase(bytes: text.utf8, lowercase)
    }

    /// The same for bytes that are not a String yet (a response header line's name).
    static func equalsIgnoringASCIICase<Bytes: Sequence<UInt8>>(bytes: Bytes, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        var index = 0
        for byte in bytes {
            guard index < expected.count else {
                return false
            }
            let folded = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
            guard folded == expected[index] else {
                return false
            }
            index += 1
        }
        return index == expected.count
    }

    /// RFC 9110 tchar.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            result += scalar.escaped(asASCII: true)
        }
        return result + "\""
    }
}
