/// One byte form per JSON value, for deciding whether two answers say the same thing (`vote`).
///
/// - Object keys sorted by Unicode code point (UTF-8 byte order is code point order); a key
///   repeated in one object counts once, by its first occurrence — the member lookups see.
/// - Numbers by value: integers, and doubles that are integral and inside the Int64 range, are
///   written as integers, so `1`, `1.0`, `1e0`, `10e-1` and `-0` all become `1` (or `0`); other
///   doubles use the shortest text that reads back as the same double. A double can only
///   match an integer it represents exactly: `9007199254740993.0` reads as …992 and so differs
///   from the integer `9007199254740993`.
/// - Strings are compared as the code points they hold (`"\u00e9"` and `"é"` are the same
///   string once parsed) and written with `JSONWriter`'s one escaping; no Unicode
///   normalisation, so precomposed and decomposed accents differ.
/// - Array order is kept; no whitespace anywhere.
public enum CanonicalJSON {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        write(value, into: &writer)
        return writer.bytes
    }

    /// The canonical form as text; meant for tests and messages.
    public static func text(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public static func write(_ value: JSONValue, into writer: inout JSONWriter) {
        switch value {
        case .null, .bool, .int, .string:
            writer.write(value)
        case .double(let number):
            if let integer = exactInteger(number) {
                writer.writeInt(integer)
            } else {
                writer.writeDouble(number)
            }
        case .array(let values):
            writer.writeByte(UInt8(ascii: "["))
            for (position, element) in values.enumerated() {
                if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
                write(element, into: &writer)
            }
            writer.writeByte(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, into: &writer)
        }
    }

    private static func writeObject(_ object: JSONObject, into writer: inout JSONWriter) {
        let keys = object.members.map { Array($0.key.utf8) }
        // The position breaks ties so that, among repeated keys, the first one comes first.
        let order = keys.indices.sorted { left, right in
            keys[left] == keys[right] ? left < right : keys[left].lexicographicallyPrecedes(keys[right])
        }
        writer.writeByte(UInt8(ascii: "{"))
        var previous: Int?
        for position in order {
            if let previous, keys[previous] == keys[position] { continue }
            if previous != nil { writer.writeByte(UInt8(ascii: ",")) }
            previous = position
            writer.writeKey(object.members[position].key)
            write(object.members[position].value, into: &writer)
        }
        writer.writeByte(UInt8(ascii: "}"))
    }

    /// The integer `number` equals, when it is integral and inside the Int64 range.
    private static func exactInteger(_ number: Double) -> Int64? {
        // 2^63 itself is a Double but not an Int64, hence the half-open upper bound.
        guard number.isFinite, number == number.rounded(.towardZero),
              number >= -0x1p63, number < 0x1p63 else { return nil }
        return Int64(number)
    }
}
