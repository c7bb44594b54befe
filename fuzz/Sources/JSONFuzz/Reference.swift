import Foundation

/// What the harness knows about JSON text without GatherCore: small, independent re-derivations
/// of what the index, the writer and the pointers must agree with. Written for clarity, not speed.
enum Reference {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func hasBOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && Array(bytes[0..<3]) == bom
    }

    static func contains<C: Collection>(_ haystack: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8 {
        let bytes = Array(haystack)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    static func removing(_ needle: [UInt8], from bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        while position < bytes.count {
            if position + needle.count <= bytes.count, Array(bytes[position..<(position + needle.count)]) == needle {
                position += needle.count
            } else {
                output.append(bytes[position])
                position += 1
            }
        }
        return output
    }

    /// The input less a leading UTF-8 BOM and the whitespace around the value.
    static func significantRange(_ bytes: [UInt8]) -> Range<Int> {
        var lower = hasBOM(bytes) ? 3 : 0
        var upper = bytes.count
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// `text` with every whitespace byte outside strings removed. Only meaningful for valid JSON
    /// (a string's end is found by its unescaped quote).
    static func compact<C: Collection>(_ text: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var inString = false
        var escaped = false
        for byte in text {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if isWhitespace(byte) { continue }
            if byte == UInt8(ascii: "\"") { inString = true }
            output.append(byte)
        }
        return output
    }

    /// Whether `compact(text)` would remove anything.
    static func hasWhitespaceOutsideStrings<C: Collection>(_ text: C) -> Bool where C.Element == UInt8 {
        var inString = false
        var escaped = false
        for byte in text {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if isWhitespace(byte) {
                return true
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
        }
        return false
    }

    /// The deepest nesting of `[`/`{` outside strings (for text Foundation accepted).
    static func maximumDepth(_ bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// The text less every comma (outside strings) whose next non-whitespace byte is `]` or `}`.
    static func removingTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var inString = false
        var escaped = false
        for (position, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                output.append(byte)
                continue
            }
            if byte == UInt8(ascii: "\"") { inString = true }
            if byte == UInt8(ascii: ",") {
                let following = bytes[(position + 1)...].first(where: { !isWhitespace($0) })
                if following == UInt8(ascii: "]") || following == UInt8(ascii: "}") { continue }
            }
            output.append(byte)
        }
        return output
    }

    /// Whether the bytes are well-formed UTF-8 (Swift's own validation, not GatherCore's).
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// How JSONSerialization picks an encoding other than UTF-8: a UTF-16/32 byte order mark or
    /// NUL bytes among the first four (swift-corelibs-foundation `parseBOM`/`detectEncoding`).
    static func foundationReadsAsUTF16or32(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 2, (bytes[0], bytes[1]) == (0xFF, 0xFE) || (bytes[0], bytes[1]) == (0xFE, 0xFF) { return true }
        if bytes.count >= 4 { return bytes[0..<4].contains(0) }
        if bytes.count >= 2 { return bytes[0] == 0 || bytes[1] == 0 }
        return false
    }

    /// RFC 8259 number grammar, exactly.
    static func isNumberText<C: Collection>(_ text: C) -> Bool where C.Element == UInt8 {
        let bytes = Array(text)
        var position = 0
        func digit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard digit(position) else { return false }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while digit(position) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digit(position) else { return false }
            while digit(position) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digit(position) else { return false }
            while digit(position) { position += 1 }
        }
        return position == bytes.count
    }

    /// The value of number text: exact when it is an integer inside Int64, else glibc's
    /// correctly rounded `strtod`; nil beyond Double's range.
    enum Number: Equatable {
        case int(Int64)
        case double(UInt64)  // bit pattern, so that -0.0 and 0.0 differ
    }

    static func number<C: Collection>(_ text: C) -> Number? where C.Element == UInt8 {
        let string = String(decoding: Array(text), as: UTF8.self)
        let isInteger = !string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger, let exact = Int64(string) { return .int(exact) }
        let value = strtod(string, nil)
        return value.isFinite ? .double(value.bitPattern) : nil
    }

    /// RFC 6901 reference token escaping: `~` as `~0`, `/` as `~1`, byte by byte.
    static func escapePointerToken(_ token: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        for byte in token {
            switch byte {
            case UInt8(ascii: "~"): output += [UInt8(ascii: "~"), UInt8(ascii: "0")]
            case UInt8(ascii: "/"): output += [UInt8(ascii: "~"), UInt8(ascii: "1")]
            default: output.append(byte)
            }
        }
        return output
    }
}
