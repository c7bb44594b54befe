import Foundation

extension JSONDocument {
    /// Calls `body` with the UTF-8 content of the string at `value` (quotes off, escapes
    /// resolved). A string without escapes is its own bytes; only one with escapes is decoded,
    /// into a stack buffer (the content is never longer than the text).
    public func withStringContent<R>(_ value: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = range(value)
        return try bytes.withUnsafeBytes { all in
            let inner = UnsafeRawBufferPointer(rebasing: all[(range.lowerBound + 1)..<(range.upperBound - 1)])
            guard hasEscapes(value) else { return try body(inner) }
            return try withUnsafeTemporaryAllocation(byteCount: max(inner.count, 1), alignment: 1) { buffer in
                let length = JSONStringDecoding.decode(inner, into: buffer)
                return try body(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
            }
        }
    }

    /// The content of the string at `value`, or nil when it is not a string.
    public func string(_ value: Int) -> String? {
        guard kind(value) == .string else { return nil }
        return withStringContent(value) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the string at `key` holds exactly `content` (UTF-8, unescaped).
    public func stringEquals(_ key: Int, _ content: UnsafeRawBufferPointer) -> Bool {
        let range = range(key)
        if !hasEscapes(key) {
            guard range.count - 2 == content.count else { return false }
            return content.isEmpty || bytes.withUnsafeBytes { all in
                memcmp(all.baseAddress! + range.lowerBound + 1, content.baseAddress!, content.count) == 0
            }
        }
        return withStringContent(key) { $0.elementsEqual(content) }
    }

    public func stringEquals(_ key: Int, _ content: [UInt8]) -> Bool {
        content.withUnsafeBytes { stringEquals(key, $0) }
    }

    /// The value of the first member named `name` (unescaped UTF-8) in `object`.
    public func member(_ name: UnsafeRawBufferPointer, in object: Int) -> Int? {
        guard kind(object) == .object else { return nil }
        var key = object + 1
        let end = next(object)
        while key < end {
            if stringEquals(key, name) { return key + 1 }
            key = next(key + 1)
        }
        return nil
    }

    public func member(_ name: [UInt8], in object: Int) -> Int? {
        name.withUnsafeBytes { member($0, in: object) }
    }

    /// The element at `position` of `array`.
    public func element(_ position: Int, in array: Int) -> Int? {
        guard kind(array) == .array, position >= 0, position < count(array) else { return nil }
        var child = array + 1
        for _ in 0..<position { child = next(child) }
        return child
    }

    /// The value `pointer` names below `start` (the root by default), or nil when a step is
    /// missing.
    public func resolve(_ pointer: JSONPointer, from start: Int = JSONDocument.root) -> Int? {
        pointer.tokenBytes.withUnsafeBytes { tokenBytes in
            var current = start
            for step in pointer.tokenRanges.indices {
                switch kind(current) {
                case .object:
                    let token = UnsafeRawBufferPointer(rebasing: tokenBytes[pointer.tokenRanges[step]])
                    guard let found = member(token, in: current) else { return nil }
                    current = found
                case .array:
                    guard let position = pointer.arrayIndices[step], let found = element(position, in: current) else {
                        return nil
                    }
                    current = found
                default:
                    return nil
                }
            }
            return current
        }
    }
}

/// Resolves the escapes of string content `JSONIndexer` already checked.
enum JSONStringDecoding {
    /// Writes the content of `text` (between the quotes) into `output`, which must hold at least
    /// `text.count` bytes; returns the length written.
    static func decode(_ text: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var read = 0
        var written = 0
        func put(_ byte: UInt8) {
            output[written] = byte
            written += 1
        }
        while read < text.count {
            let byte = text[read]
            guard byte == UInt8(ascii: "\\") else {
                put(byte)
                read += 1
                continue
            }
            let escape = text[read + 1]
            read += 2
            switch escape {
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(hexQuad(text, at: read))
                read += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = UInt32(hexQuad(text, at: read + 2))
                    read += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                switch scalar {
                case 0..<0x80:
                    put(UInt8(scalar))
                case 0x80..<0x800:
                    put(UInt8(0xC0 | scalar >> 6))
                    put(UInt8(0x80 | scalar & 0x3F))
                case 0x800..<0x10000:
                    put(UInt8(0xE0 | scalar >> 12))
                    put(UInt8(0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(0x80 | scalar & 0x3F))
                default:
                    put(UInt8(0xF0 | scalar >> 18))
                    put(UInt8(0x80 | scalar >> 12 & 0x3F))
                    put(UInt8(0x80 | scalar >> 6 & 0x3F))
                    put(UInt8(0x80 | scalar & 0x3F))
                }
            default:
                put(escape)  // `"`, `\`, `/`
            }
        }
        return written
    }

    private static func hexQuad(_ text: UnsafeRawBufferPointer, at start: Int) -> UInt16 {
        var value: UInt16 = 0
        for position in start..<start + 4 {
            let byte = text[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: digit = byte - UInt8(ascii: "A") + 10
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
