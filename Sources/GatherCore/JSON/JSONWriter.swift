/// Writes compact JSON into a byte buffer that callers reuse across answers (`reset()` keeps
/// the capacity).
///
/// Strings are escaped per RFC 8259: `"` and `\` with a backslash, `\b \f \n \r \t` in their short
/// form, other control characters as `\u00XX`; everything else, non-ASCII included, is copied as
/// UTF-8. Doubles use Swift's shortest round-trip text (`12.0`, `0.1`, `1e+20`); NaN and
/// infinities, which JSON cannot hold, are written as `null`.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]

    public init() {
        bytes = []
    }

    public init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            writeRaw("null")
        case .bool(let flag):
            writeBool(flag)
        case .int(let number):
            writeInt(number)
        case .double(let number):
            writeDouble(number)
        case .string(let text):
            writeString(text)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in values.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                writeKey(member.key)
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `"key":`.
    public mutating func writeKey(_ key: String) {
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeEscaped($0) }
    }

    /// Writes UTF-8 text (assumed well-formed) as a quoted, escaped JSON string.
    public mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var position = 0
        let raw = UnsafeRawBufferPointer(utf8)
        while position < utf8.count {
            // Whole words without anything to escape are skipped, then copied with their run.
            if position + 8 <= utf8.count,
               !JSONWordScan.needsEscape(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                position += 8
                continue
            }
            let byte = utf8[position]
            position += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let escapedAt = position - 1
            if runStart < escapedAt {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<escapedAt]))
            }
            runStart = position
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigit(byte >> 4), Self.hexDigit(byte & 0x0F)])
            }
        }
        if runStart < utf8.count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func writeRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes that already are JSON (or a part of it) unchanged.
    public mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    public mutating func writeRaw(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    public mutating func writeByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func writeNull() {
        writeRaw("null")
    }

    public mutating func writeBool(_ flag: Bool) {
        if flag { writeRaw("true") } else { writeRaw("false") }
    }

    public mutating func writeInt(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        writeDigits(number.magnitude)
    }

    public mutating func writeInt(_ number: Int) {
        writeInt(Int64(number))
    }

    public mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { writeRaw("null"); return }
        bytes.append(contentsOf: number.description.utf8)
    }

    /// Writes a non-negative quantity with exactly one decimal place (`12.4`, `250.0`), the way
    /// the envelope and Server-Timing show milliseconds. Negative or non-finite values are
    /// written as `0.0`; absurdly large ones are capped so the conversion cannot trap.
    public mutating func writeTenths(_ number: Double) {
        let bounded = number.isFinite ? min(max(number, 0), 1e15) : 0
        let tenths = UInt64((bounded * 10).rounded())
        writeDigits(tenths / 10)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(tenths % 10))
    }

    private mutating func writeDigits(_ magnitude: UInt64) {
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var remaining = magnitude
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            while remaining > 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
