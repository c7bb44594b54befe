import NIOCore

/// Writes compact JSON straight into the NIO `ByteBuffer` an answer goes out in: no
/// intermediate array or string. Values from upstream documents are copied as their bytes.
///
/// Strings are escaped per RFC 8259: `"` and `\` with a backslash, `\b \f \n \r \t` in their short
/// form, other control characters as `\u00XX`; everything else, non-ASCII included, is copied as
/// UTF-8. Doubles use Swift's shortest round-trip text (`12.0`, `0.1`, `1e+20`); NaN and
/// infinities, which JSON cannot hold, are written as `null`.
public struct JSONWriter: Sendable {
    public var buffer: ByteBuffer

    public init() {
        buffer = ByteBufferAllocator().buffer(capacity: 256)
    }

    public init(reservingCapacity capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    public init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// What has been written, as an array; for tests and small non-answer uses.
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }

    public var count: Int { buffer.readableBytes }

    public mutating func reset() {
        buffer.clear()
    }

    public mutating func reserve(_ additional: Int) {
        buffer.reserveCapacity(minimumWritableBytes: additional)
    }

    /// Copies the value at `position` of `document`: every number, string and literal in it
    /// byte for byte as sent; whitespace between tokens (pretty-printed upstreams) is left out,
    /// so answers stay compact and an event-stream `data:` line never breaks.
    public mutating func write(_ document: JSONDocument, _ position: Int) {
        document.forEachCompactRun(of: position) { buffer.writeBytes($0) }
    }

    /// Copies `document.bytes[range]` as they are.
    public mutating func write(_ document: JSONDocument, bytesIn range: Range<Int>) {
        document.bytes.withUnsafeBytes { all in
            _ = buffer.writeBytes(UnsafeRawBufferPointer(rebasing: all[range]))
        }
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
            buffer.writeInteger(UInt8(ascii: "["))
            for (position, element) in values.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(element)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let object):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                writeKey(member.key)
                write(member.value)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    /// Writes `"key":`.
    public mutating func writeKey(_ key: String) {
        writeString(key)
        buffer.writeInteger(UInt8(ascii: ":"))
    }

    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeEscaped($0) }
    }

    /// Writes UTF-8 text (assumed well-formed) as a quoted, escaped JSON string.
    public mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        buffer.writeInteger(UInt8(ascii: "\""))
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
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[runStart..<escapedAt]))
            }
            runStart = position
            buffer.writeInteger(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): buffer.writeInteger(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.writeInteger(UInt8(ascii: "\\"))
            case 0x08: buffer.writeInteger(UInt8(ascii: "b"))
            case 0x0C: buffer.writeInteger(UInt8(ascii: "f"))
            case 0x0A: buffer.writeInteger(UInt8(ascii: "n"))
            case 0x0D: buffer.writeInteger(UInt8(ascii: "r"))
            case 0x09: buffer.writeInteger(UInt8(ascii: "t"))
            default:
                buffer.writeInteger(UInt8(ascii: "u"))
                buffer.writeInteger(UInt8(ascii: "0"))
                buffer.writeInteger(UInt8(ascii: "0"))
                buffer.writeInteger(Self.hexDigit(byte >> 4))
                buffer.writeInteger(Self.hexDigit(byte & 0x0F))
            }
        }
        if runStart < utf8.count {
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[runStart..<utf8.count]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    public mutating func writeRaw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    /// Appends bytes that already are JSON (or a part of it) unchanged.
    public mutating func writeRaw(_ raw: UnsafeRawBufferPointer) {
        buffer.writeBytes(raw)
    }

    public mutating func writeRaw(_ raw: [UInt8]) {
        buffer.writeBytes(raw)
    }

    public mutating func writeByte(_ byte: UInt8) {
        buffer.writeInteger(byte)
    }

    public mutating func writeNull() {
        writeRaw("null")
    }

    public mutating func writeBool(_ flag: Bool) {
        if flag { writeRaw("true") } else { writeRaw("false") }
    }

    public mutating func writeInt(_ number: Int64) {
        if number < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        writeDigits(number.magnitude)
    }

    public mutating func writeInt(_ number: Int) {
        writeInt(Int64(number))
    }

    public mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { writeRaw("null"); return }
        // `description` would build a String, a heap allocation once it passes 15 bytes (most
        // fused scores do); the standard library hands its text to `_writeASCII` from a stack
        // buffer instead.
        var text = DoubleText()
        number.write(to: &text)
        _ = withUnsafeBytes(of: &text.storage) { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<text.length])) }
    }

    /// Room for the longest shortest-round-trip Double text (24 bytes, as in
    /// `-2.2250738585072014e-308`).
    struct DoubleText: TextOutputStream {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var length = 0

        mutating func write(_ string: String) {
            for byte in string.utf8 { append(byte) }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            for byte in buffer { append(byte) }
        }

        mutating func append(_ byte: UInt8) {
            guard length < 32 else { return }
            withUnsafeMutableBytes(of: &storage) { $0[length] = byte }
            length += 1
        }
    }

    /// Writes a non-negative quantity with exactly one decimal place (`12.4`, `250.0`), the way
    /// the envelope and Server-Timing show milliseconds. Negative or non-finite values are
    /// written as `0.0`; absurdly large ones are capped so the conversion cannot trap.
    public mutating func writeTenths(_ number: Double) {
        let bounded = number.isFinite ? min(max(number, 0), 1e15) : 0
        let tenths = UInt64((bounded * 10).rounded())
        writeDigits(tenths / 10)
        buffer.writeInteger(UInt8(ascii: "."))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(tenths % 10))
    }

    private mutating func writeDigits(_ magnitude: UInt64) {
        if magnitude < 10 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(magnitude))
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
            self.buffer.writeBytes(UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
