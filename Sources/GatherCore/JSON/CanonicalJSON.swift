/// One byte form per JSON value, for deciding whether two answers say the same thing (`vote`).
/// Only compared, never sent: the answer carries the chosen upstream's own bytes.
///
/// - Object keys sorted by Unicode code point (UTF-8 byte order is code point order); a key
///   repeated in one object counts once, by its first occurrence — the member lookups see.
/// - Numbers by value: integer text (no fraction, no exponent) is its own form, whatever its
///   size, so integers compare by their digits (`-0` is `0`); any other number by its Double:
///   integral values inside the Int64 range as integers, so `1`, `1.0`, `1e0` and `10e-1` are
///   all `1`, the rest as the shortest text that reads back as the same double. A double can
///   only match an integer it represents exactly: `9007199254740993.0` reads as …992 and so
///   differs from the integer `9007199254740993`. A number beyond Double's range compares by
///   its text.
/// - Strings are compared as the code points they hold (`"\u00e9"` and `"é"` are the same
///   string) and written with `JSONWriter`'s one escaping; no Unicode normalisation, so
///   precomposed and decomposed accents differ.
/// - Array order is kept; no whitespace anywhere.
public enum CanonicalJSON {
    public static func bytes(_ document: JSONDocument, _ position: Int = JSONDocument.root) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(document.range(position).count)
        document.bytes.withUnsafeBytes { text in
            var writer = Writer(document: document, text: text, output: output)
            output = []
            writer.write(position)
            output = writer.output
        }
        return output
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

    /// Writes into a plain array: a vote compares these bytes and never sends them.
    private struct Writer {
        let document: JSONDocument
        let text: UnsafeRawBufferPointer
        var output: [UInt8]

        mutating func write(_ position: Int) {
            let range = document.range(position)
            switch document.kind(position) {
            case .null, .trueValue, .falseValue:
                output.append(contentsOf: text[range])
            case .string:
                if document.hasEscapes(position) {
                    // Resolve the escapes, then escape the one way JSONWriter does.
                    var writer = JSONWriter(reservingCapacity: range.count)
                    document.withStringContent(position) { writer.writeEscaped($0.bindMemory(to: UInt8.self)) }
                    output.append(contentsOf: writer.buffer.readableBytesView)
                } else {
                    // Content with no escape holds nothing JSONWriter would escape.
                    output.append(contentsOf: text[range])
                }
            case .number:
                writeNumber(position, range)
            case .array:
                output.append(UInt8(ascii: "["))
                var child = position + 1
                while child < document.next(position) {
                    if child > position + 1 { output.append(UInt8(ascii: ",")) }
                    write(child)
                    child = document.next(child)
                }
                output.append(UInt8(ascii: "]"))
            case .object:
                writeObject(position)
            }
        }

        /// Integer text is its own canonical form (so integers of any size compare by their
        /// digits), but `-0` is `0`; other numbers by their Double value.
        private mutating func writeNumber(_ position: Int, _ range: Range<Int>) {
            if document.isIntegerText(position) {
                if range.count == 2 && text[range.lowerBound] == UInt8(ascii: "-") && text[range.lowerBound + 1] == UInt8(ascii: "0") {
                    output.append(UInt8(ascii: "0"))
                } else {
                    output.append(contentsOf: text[range])
                }
                return
            }
            guard let number = document.number(position) else {
                output.append(contentsOf: text[range])  // beyond Double's range: by its text
                return
            }
            let value = number.doubleValue
            // 2^63 itself is a Double but not an Int64, hence the half-open upper bound.
            if value == value.rounded(.towardZero), value >= -0x1p63, value < 0x1p63 {
                appendInteger(Int64(value))
            } else {
                var digits = JSONWriter.DoubleText()
                value.write(to: &digits)
                withUnsafeBytes(of: &digits.storage) { output.append(contentsOf: $0[0..<digits.length]) }
            }
        }

        private mutating func appendInteger(_ value: Int64) {
            if value < 0 { output.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            let start = output.count
            repeat {
                output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            output[start...].reverse()
        }

        /// Members by key content; of a repeated key the first occurrence.
        private mutating func writeObject(_ position: Int) {
            let members = document.members(of: position)
            var keys: [(start: Int, end: Int)] = []
            keys.reserveCapacity(members.count)
            var decoded: [UInt8] = []
            for member in members {
                let range = document.range(member.key)
                if document.hasEscapes(member.key) {
                    let start = decoded.count
                    document.withStringContent(member.key) { decoded.append(contentsOf: $0) }
                    // Decoded keys live past the document's bytes in a second space.
                    keys.append((-1 - start, -1 - decoded.count))
                } else {
                    keys.append((range.lowerBound + 1, range.upperBound - 1))
                }
            }
            // The order to write members in, and which repeat an earlier key.
            let (order, repeated) = decoded.withUnsafeBytes { decodedBytes -> ([Int], [Bool]) in
                func content(_ key: (start: Int, end: Int)) -> UnsafeRawBufferPointer {
                    if key.start >= 0 { return UnsafeRawBufferPointer(rebasing: text[key.start..<key.end]) }
                    return UnsafeRawBufferPointer(rebasing: decodedBytes[(-1 - key.start)..<(-1 - key.end)])
                }
                func less(_ left: Int, _ right: Int) -> Bool {
                    content(keys[left]).lexicographicallyPrecedes(content(keys[right]))
                }
                var order = Array(members.indices)
                if !zip(order, order.dropFirst()).allSatisfy({ less($0, $1) }) {
                    // The position breaks ties so that, among repeated keys, the first comes first.
                    order.sort { less($0, $1) || (!less($1, $0) && $0 < $1) }
                }
                var repeated = Array(repeating: false, count: order.count)
                for slot in order.indices.dropFirst() {
                    repeated[slot] = content(keys[order[slot - 1]]).elementsEqual(content(keys[order[slot]]))
                }
                return (order, repeated)
            }
            output.append(UInt8(ascii: "{"))
            for (slot, index) in order.enumerated() where !repeated[slot] {
                if slot > 0 { output.append(UInt8(ascii: ",")) }
                write(members[index].key)
                output.append(UInt8(ascii: ":"))
                write(members[index].value)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}
