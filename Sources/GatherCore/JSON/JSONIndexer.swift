/// The validating pass behind `JSONDocument`: one walk over the bytes, recursive descent,
/// writing a tape entry per value (where it starts and ends, and where its subtree ends);
/// nothing is decoded or converted.
///
/// Choices where RFC 8259 leaves room:
/// - The whole input must be one value; whitespace around it is allowed, and a leading UTF-8
///   byte order mark is skipped (§8.1 permits ignoring it).
/// - Containers may nest at most `maximumDepth` deep.
/// - Any number the grammar allows is kept, however large or precise (`1e400`,
///   `12345678901234567890`): its text is passed through; only comparing or summing reads it,
///   and a value beyond Double's range then counts as missing.
/// - A `\u` escape naming a lone surrogate is an error (it cannot be a Unicode scalar), as are
///   invalid UTF-8 and raw control characters inside strings.
/// - Duplicate object names are kept as written (lookups see the first); detecting them would
///   cost quadratic time on hostile input.
struct JSONIndexer {
    static let maximumDepth = 256

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    /// Whitespace bytes skipped so far: a container that saw some inside is marked, so that
    /// copying it can drop them (and a compact one is copied whole).
    private var whitespaceSeen = 0
    private(set) var tape: [JSONDocument.Entry] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // Compact JSON averages well over eight bytes a value; one reservation, no doublings.
        tape.reserveCapacity(bytes.count / 8 + 4)
    }

    mutating func indexDocument() throws {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        try readValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw failure("unexpected \(describe(bytes[index])) after the JSON value")
        }
    }

    // MARK: Values

    private mutating func readValue() throws {
        guard index < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try readObject()
        case UInt8(ascii: "["): try readArray()
        case UInt8(ascii: "\""): try readString()
        case UInt8(ascii: "t"): try expectLiteral("true", .trueValue)
        case UInt8(ascii: "f"): try expectLiteral("false", .falseValue)
        case UInt8(ascii: "n"): try expectLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try readNumber()
        default: throw failure("unexpected \(describe(bytes[index])), expected a value")
        }
    }

    private mutating func open(_ kind: JSONKind) throws -> Int {
        depth += 1
        if depth > Self.maximumDepth {
            throw failure("nesting deeper than \(Self.maximumDepth) levels")
        }
        let position = tape.count
        tape.append(JSONDocument.Entry(start: UInt32(index), end: 0, next: 0, count: 0, kind: kind, flag: false))
        index += 1
        return position
    }

    private mutating func close(_ position: Int, count: Int, whitespaceBefore: Int) {
        index += 1
        depth -= 1
        tape[position].flag = whitespaceSeen != whitespaceBefore
        tape[position].end = UInt32(index)
        tape[position].next = UInt32(tape.count)
        tape[position].count = UInt32(count)
    }

    private mutating func readObject() throws {
        let position = try open(.object)
        let whitespaceBefore = whitespaceSeen
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            close(position, count: 0, whitespaceBefore: whitespaceBefore)
            return
        }
        var count = 0
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describe(bytes[index])), expected a string key")
            }
            try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':' after an object key")
            }
            index += 1
            skipWhitespace()
            try readValue()
            count += 1
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an object") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                close(position, count: count, whitespaceBefore: whitespaceBefore)
                return
            default:
                throw failure("unexpected \(describe(bytes[index])), expected ',' or '}'")
            }
        }
    }

    private mutating func readArray() throws {
        let position = try open(.array)
        let whitespaceBefore = whitespaceSeen
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            close(position, count: 0, whitespaceBefore: whitespaceBefore)
            return
        }
        var count = 0
        while true {
            skipWhitespace()
            try readValue()
            count += 1
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input in an array") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                close(position, count: count, whitespaceBefore: whitespaceBefore)
                return
            default:
                throw failure("unexpected \(describe(bytes[index])), expected ',' or ']'")
            }
        }
    }

    private mutating func scalar(_ kind: JSONKind, from start: Int, flag: Bool = false) {
        tape.append(JSONDocument.Entry(start: UInt32(start), end: UInt32(index), next: UInt32(tape.count + 1),
                                       count: 0, kind: kind, flag: flag))
    }

    private mutating func expectLiteral(_ literal: StaticString, _ kind: JSONKind) throws {
        let start = index
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for offset in 0..<length {
            guard start + offset < bytes.count, bytes[start + offset] == expected[offset] else {
                throw JSONParseError(offset: start + offset, message: "invalid literal, expected '\(literal)'")
            }
        }
        index = start + length
        scalar(kind, from: start)
    }

    // MARK: Numbers

    /// Checks the grammar only; the text is the value.
    private mutating func readNumber() throws {
        let start = index
        var cursor = index
        if bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
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
        scalar(.number, from: start, flag: !isInteger)
    }

    // MARK: Strings

    /// Validates a string starting at its opening quote: escapes, UTF-8, no raw control bytes.
    private mutating func readString() throws {
        let opening = index
        var cursor = index + 1
        var escaped = false
        while true {
            // Whole words with nothing to look at (no quote, backslash, control or non-ASCII
            // byte) are skipped, and the word that has one jumps straight to it.
            while cursor + 8 <= bytes.count {
                let mask = JSONWordScan.attentionMask(
                    UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt64.self)))
                if mask != 0 {
                    cursor += mask.trailingZeroBitCount >> 3
                    break
                }
                cursor += 8
            }
            guard cursor < bytes.count else {
                throw JSONParseError(offset: opening, message: "unterminated string")
            }
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                index = cursor + 1
                scalar(.string, from: opening, flag: escaped)
                return
            case UInt8(ascii: "\\"):
                escaped = true
                cursor = try checkEscape(at: cursor)
            case 0..<0x20:
                throw JSONParseError(offset: cursor, message: "control character \(describe(byte)) must be escaped in a string")
            case 0x20..<0x80:
                cursor += 1
            default:
                cursor += try utf8SequenceLength(at: cursor)
            }
        }
    }

    /// Checks the escape at `start` (a backslash); returns the position after it.
    private func checkEscape(at start: Int) throws -> Int {
        guard start + 1 < bytes.count else {
            throw JSONParseError(offset: start, message: "unterminated escape")
        }
        switch bytes[start + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return start + 2
        case UInt8(ascii: "u"):
            return try checkUnicodeEscape(at: start)
        default:
            throw JSONParseError(offset: start + 1, message: "invalid escape \(describe(bytes[start + 1]))")
        }
    }

    private func checkUnicodeEscape(at start: Int) throws -> Int {
        let unit = try hexQuad(at: start + 2)
        switch unit {
        case 0xD800...0xDBFF:
            let end = start + 6
            guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\\"), bytes[end + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
            }
            let low = try hexQuad(at: end + 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
            }
            return end + 6
        case 0xDC00...0xDFFF:
            throw JSONParseError(offset: start, message: "lone surrogate \\u\(hex(unit)) in a string")
        default:
            return start + 6
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
        let start = index
        defer { whitespaceSeen += index - start }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20:
                index += 1
                // Pretty-printed bodies indent with runs of spaces: eight at a time.
                while index + 8 <= bytes.count,
                      bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) == 0x2020_2020_2020_2020 {
                    index += 8
                }
            case 0x09, 0x0A, 0x0D:
                index += 1
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
