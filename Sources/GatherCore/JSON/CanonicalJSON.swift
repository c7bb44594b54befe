/// One byte form per JSON value, for deciding whether two answers say the same thing (`vote`).
/// Only compared, never sent: the answer carries the chosen upstream's own bytes.
///
/// - Object keys sorted by Unicode code point (UTF-8 byte order is code point order); a key
///   repeated in one object counts once, by its first occurrence — the member lookups see.
/// - Numbers by value: integers, and doubles that are integral and inside the Int64 range, are
///   written as integers, so `1`, `1.0`, `1e0`, `10e-1` and `-0` all become `1` (or `0`); other
///   doubles use the shortest text that reads back as the same double. A double can only
///   match an integer it represents exactly: `9007199254740993.0` reads as …992 and so differs
///   from the integer `9007199254740993`. A number beyond Double's range compares by its text.
/// - Strings are compared as the code points they hold (`"\u00e9"` and `"é"` are the same
///   string) and written with `JSONWriter`'s one escaping; no Unicode normalisation, so
///   precomposed and decomposed accents differ.
/// - Array order is kept; no whitespace anywhere.
public enum CanonicalJSON {
    public static func bytes(_ document: JSONDocument, _ position: Int = JSONDocument.root) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: document.range(position).count)
        write(document, position, into: &writer)
        return writer.bytes
    }

    /// The canonical form of a tree (serialised, then read back); for tests and messages.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        guard let document = try? JSONDocument(indexing: value.serialized()) else { return [] }
        return bytes(document)
    }

    /// The canonical form as text; meant for tests and messages.
    public static func text(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public static func write(_ document: JSONDocument, _ position: Int, into writer: inout JSONWriter) {
        switch document.kind(position) {
        case .null: writer.writeNull()
        case .trueValue: writer.writeBool(true)
        case .falseValue: writer.writeBool(false)
        case .string:
            document.withStringContent(position) { writer.writeEscaped($0.bindMemory(to: UInt8.self)) }
        case .number:
            switch document.number(position) {
            case .int(let exact)?: writer.writeInt(exact)
            case .double(let approximate)?:
                if let integer = exactInteger(approximate) {
                    writer.writeInt(integer)
                } else {
                    writer.writeDouble(approximate)
                }
            case nil: writer.write(document, position)
            }
        case .array:
            writer.writeByte(UInt8(ascii: "["))
            var child = position + 1
            var first = true
            while child < document.next(position) {
                if !first { writer.writeByte(UInt8(ascii: ",")) }
                first = false
                write(document, child, into: &writer)
                child = document.next(child)
            }
            writer.writeByte(UInt8(ascii: "]"))
        case .object:
            writeObject(document, position, into: &writer)
        }
    }

    private static func writeObject(_ document: JSONDocument, _ position: Int, into writer: inout JSONWriter) {
        let members = document.members(of: position)
        let keys = members.map { member in document.withStringContent(member.key) { Array($0) } }
        // The position breaks ties so that, among repeated keys, the first one comes first.
        let order = keys.indices.sorted { left, right in
            keys[left] == keys[right] ? left < right : keys[left].lexicographicallyPrecedes(keys[right])
        }
        writer.writeByte(UInt8(ascii: "{"))
        var previous: Int?
        for index in order {
            if let previous, keys[previous] == keys[index] { continue }
            if previous != nil { writer.writeByte(UInt8(ascii: ",")) }
            previous = index
            keys[index].withUnsafeBufferPointer { writer.writeEscaped($0) }
            writer.writeByte(UInt8(ascii: ":"))
            write(document, members[index].value, into: &writer)
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
