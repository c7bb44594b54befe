/// The cursor behind `JSONParser`: one pass over the input, recursive descent, a reused
/// scratch buffer for strings that need unescaping, and shared stacks that containers collect
/// their elements on (so each one allocates its array once, at its final size).
struct JSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    private var scratch: [UInt8] = []
    // Both first buffers stay under 1 KB (32 × 24 and 16 × 40 bytes): glibc serves those from
    // its small bins, where a larger request would first consolidate the fast bins.
    private let elements = JSONBuildStack<JSONValue>(initialCapacity: 32)
    private let members = JSONBuildStack<(key: String, value: JSONValue)>(initialCapacity: 16)

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func readDocument() throws -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try readValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw failure("unexpected \(describe(bytes[index])) after the JSON value")
        }
        return value
    }

    // MARK: Values

    private mutating func readValue() throws -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("unexpected \(describe(bytes[index])), expected a value")
        }
    }

    private mutating func readObject() throws -> JSONValue {
        try enterContainer()
        index += 1
        let base = members.count
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describe(bytes[index])), expected a string key")
            }
            let key = try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            let value = try readValue()
            members.push((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(JSONObject(members.popArray(from: base)))
            default:
                throw failure("unexpected \(describe(bytes[index])), expected ',' or '}'")
            }
        }
    }

    private mutating func readArray() throws -> JSONValue {
        try enterContainer()
        index += 1
        let base = elements.count
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        while true {
            skipWhitespace()
            elements.push(try readValue())
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an array") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements.popArray(from: base))
            default:
                throw failure("unexpected \(describe(bytes[index])), expected ',' or ']'")
            }
        }
    }

    private mutating func enterContainer() throws {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw failure("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let start = index
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for offset in 0..<length {
            guard start + offset < bytes.count, bytes[start + offset] == expected[offset] else {
                throw JSONParseError(offset: start + offset, message: "invalid literal, expected '\(literal)'")
            }
        }
        index = start + length
    }

    // MARK: Numbers

    private mutating func readNumber() throws -> JSONValue {
        let start = index
        var cursor = index
        let negative = bytes[cursor] == UInt8(ascii: "-")
        if negative { cursor += 1 }
        let integerStart = cursor
        guard cursor < bytes.count, isDigit(bytes[cursor]) else {
            throw JSONParseError(offset: cursor, message: "expected a digit in a number")
        }
        if bytes[cursor] == UInt8(ascii: "0") {
            cursor += 1
            if cursor < bytes.count, isDigit(bytes[cursor]) {
                throw JSONParseError(offset: cursor, message: "a number may not have a leading zero")
            }
        } else {
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
        }
        let integerEnd = cursor
        var isInteger = true
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") {
            isInteger = false
            cursor += 1
            guard cursor < bytes.count, isDigit(bytes[cursor]) else {
                throw JSONParseError(offset: cursor, message: "expected a digit after '.'")
            }
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
        }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E") {
            isInteger = false
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                cursor += 1
            }
            guard cursor < bytes.count, isDigit(bytes[cursor]) else {
                throw JSONParseError(offset: cursor, message: "expected a digit in the exponent")
            }
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
        }
        index = cursor

        if isInteger, let exact = exactInteger(digits: integerStart..<integerEnd, negative: negative) {
            return .int(exact)
        }
        if let fast = fastDouble(start..<cursor) {
            return .double(fast)
        }
        // Short numbers form small strings, which do not allocate.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<cursor]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(offset: start, message: "number \(text) is out of range")
        }
        return .double(value)
    }

    /// A decimal with at most 15 significant digits and a power of ten up to 22, computed as one
    /// exact integer times or divided by one exact power of ten: IEEE arithmetic rounds that
    /// single operation correctly, so the result equals what `Double(String)` gives (Clinger's
    /// fast path). Nil for anything else. `range` is a number already checked by `readNumber`.
    private func fastDouble(_ range: Range<Int>) -> Double? {
        var position = range.lowerBound
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var inFraction = false
        while position < range.upperBound {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if isDigit(byte) {
                if mantissa != 0 || byte != UInt8(ascii: "0") { significantDigits += 1 }
                guard significantDigits <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
            } else {
                break  // 'e' or 'E'
            }
            position += 1
        }
        var exponent = 0
        if position < range.upperBound {
            position += 1
            var exponentNegative = false
            if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            guard range.upperBound - position <= 3 else { return nil }
            while position < range.upperBound {
                exponent = exponent * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        exponent -= fractionDigits
        guard exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            value /= Self.powersOfTen[-exponent]
        } else {
            value *= Self.powersOfTen[exponent]
        }
        return negative ? -value : value
    }

    /// 1e0 … 1e22, every one exactly representable as a Double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private func exactInteger(digits: Range<Int>, negative: Bool) -> Int64? {
        var magnitude: UInt64 = 0
        for position in digits {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[position] &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    // MARK: Strings

    /// Reads a string starting at its opening quote.
    private mutating func readString() throws -> String {
        let opening = index
        let contentStart = index + 1
        var cursor = contentStart
        // Fast path: plain ASCII without escapes, decoded straight from the input. Whole words
        // are skipped while none of their bytes needs a closer look.
        while cursor + 8 <= bytes.count,
              !JSONWordScan.needsAttention(bytes.loadUnaligned(fromByteOffset: cursor, as: UInt64.self)) {
            cursor += 8
        }
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                index = cursor + 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<cursor]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 || byte < 0x20 { break }
            cursor += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<cursor]))
        while true {
            guard cursor < bytes.count else {
                throw JSONParseError(offset: opening, message: "unterminated string")
            }
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                index = cursor + 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                cursor = try readEscape(at: cursor)
            case 0..<0x20:
                throw JSONParseError(offset: cursor, message: "control character \(describe(byte)) must be escaped in a string")
            case 0x20..<0x80:
                scratch.append(byte)
                cursor += 1
            default:
                let length = try utf8SequenceLength(at: cursor)
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cursor..<cursor + length]))
                cursor += length
            }
        }
    }

    /// Appends the unescaped text of the escape at `start` (a backslash) to `scratch`;
    /// returns the position after it.
    private mutating func readEscape(at start: Int) throws -> Int {
        guard start + 1 < bytes.count else {
            throw JSONParseError(offset: start, message: "unterminated escape")
        }
        let replacement: UInt8
        switch bytes[start + 1] {
        case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): replacement = UInt8(ascii: "/")
        case UInt8(ascii: "b"): replacement = 0x08
        case UInt8(ascii: "f"): replacement = 0x0C
        case UInt8(ascii: "n"): replacement = 0x0A
        case UInt8(ascii: "r"): replacement = 0x0D
        case UInt8(ascii: "t"): replacement = 0x09
        case UInt8(ascii: "u"): return try readUnicodeEscape(at: start)
        default:
            throw JSONParseError(offset: start + 1, message: "invalid escape \(describe(bytes[start + 1]))")
        }
        scratch.append(replacement)
        return start + 2
    }

    private mutating func readUnicodeEscape(at start: Int) throws -> Int {
        let unit = try hexQuad(at: start + 2)
        var end = start + 6
        var scalarValue = UInt32(unit)
        switch unit {
        case 0xD800...0xDBFF:
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\\"), bytes[end + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
            }
            let low = try hexQuad(at: end + 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
        default:
            break
        }
        appendUTF8(scalarValue)
        return end
    }

    /// Encodes a scalar value (surrogates already excluded) as UTF-8 into `scratch`.
    private mutating func appendUTF8(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | value >> 6))
            scratch.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | value >> 12))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | value >> 18))
            scratch.append(UInt8(0x80 | value >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        }
    }

    private func hexQuad(at start: Int) throws -> UInt16 {
        var value: UInt16 = 0
        for position in start..<start + 4 {
            guard position < bytes.count else {
                throw JSONParseError(offset: position, message: "expected four hex digits after \\u")
            }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw JSONParseError(offset: position, message: "expected four hex digits after \\u")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Length of the well-formed UTF-8 sequence (RFC 3629) whose lead byte is at `start`.
    private func utf8SequenceLength(at start: Int) throws -> Int {
        let lead = bytes[start]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default:
            throw JSONParseError(offset: start, message: "invalid UTF-8 byte \(describe(lead))")
        }
        guard start + length <= bytes.count else {
            throw JSONParseError(offset: start, message: "truncated UTF-8 sequence")
        }
        guard secondRange.contains(bytes[start + 1]) else {
            throw JSONParseError(offset: start + 1, message: "invalid UTF-8 sequence")
        }
        for position in start + 2..<start + length where bytes[position] & 0xC0 != 0x80 {
            throw JSONParseError(offset: position, message: "invalid UTF-8 sequence")
        }
        return length
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(offset: index, message: message)
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func hex(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
