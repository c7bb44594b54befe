/// Lowercase hex for ids that go into headers and log lines, written straight into bytes:
/// `String(format:)` and `String(_:radix:)` allocate and are slow on a per-request path.
public enum HexDigits {
    private static let table: [UInt8] = Array("0123456789abcdef".utf8)

    /// Sixteen digits for `value`, zero-padded, written at `offset` of `buffer`.
    @inline(__always)
    public static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        table.withUnsafeBufferPointer { digits in
            var remaining = value
            var position = offset + 15
            while position >= offset {
                buffer[position] = digits[Int(remaining & 0xF)]
                remaining >>= 4
                position -= 1
            }
        }
    }

    /// Two digits for `value`.
    @inline(__always)
    public static func write(byte value: UInt8, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        table.withUnsafeBufferPointer { digits in
            buffer[offset] = digits[Int(value >> 4)]
            buffer[offset + 1] = digits[Int(value & 0xF)]
        }
    }

    /// Appends sixteen digits.
    public static func append(_ word: UInt64, to writer: inout JSONWriter) {
        var chunk: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &chunk) { raw in
            let buffer = raw.bindMemory(to: UInt8.self)
            write(word, into: buffer, at: 0)
            writer.writeRaw(UnsafeRawBufferPointer(buffer))
        }
    }

    /// A string of sixteen digits per word.
    public static func string(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, into: buffer, at: 0)
            write(low, into: buffer, at: 16)
            return 32
        }
    }

    /// The digit for the low four bits of `nibble`.
    @inline(__always)
    public static func digit(_ nibble: UInt8) -> UInt8 {
        table[Int(nibble & 0xF)]
    }

    /// Parses exactly `count` (≤ 16) lowercase hex digits; nil on any other byte. W3C Trace
    /// Context allows lowercase only.
    static func parseLowercase(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
