/// The identity dedupe compares, written as tagged bytes into a merge's key arena: no String,
/// no allocation per item.
///
/// - A string: its content (escapes resolved) after `normalize:`.
/// - A number: by value, so `1`, `1.0` and `1e0` are one key; integers exactly, other values
///   through Double; a number beyond Double's range by its text.
/// - `true`, `false`: themselves. An array or object: its text without whitespace (member
///   order and spelling count).
/// - Missing or `null`: no key, because items without a key must never be merged with each
///   other.
enum DedupeKey {
    private enum Tag: UInt8 {
        case string = 0x73, integer = 0x69, double = 0x64, numberText = 0x6E, boolean = 0x62, container = 0x6A
    }

    /// Appends the key of `value` (under `normalize`) to `arena`; false, appending nothing,
    /// when it has none.
    static func write(_ document: JSONDocument, _ value: Int, normalize: DedupeSpec.Normalize,
                      into arena: inout [UInt8]) -> Bool {
        switch document.kind(value) {
        case .null:
            return false
        case .trueValue, .falseValue:
            arena.append(Tag.boolean.rawValue)
            arena.append(document.kind(value) == .trueValue ? 1 : 0)
        case .string:
            arena.append(Tag.string.rawValue)
            document.withStringContent(value) { appendNormalized($0, normalize, into: &arena) }
        case .number:
            writeNumber(document, value, into: &arena)
        case .array, .object:
            arena.append(Tag.container.rawValue)
            document.forEachCompactRun(of: value) { arena.append(contentsOf: $0) }
        }
        return true
    }

    private static func writeNumber(_ document: JSONDocument, _ value: Int, into arena: inout [UInt8]) {
        switch document.number(value) {
        case .int(let exact)?:
            appendInteger(exact, into: &arena)
        case .double(let approximate)?:
            if approximate == approximate.rounded(), abs(approximate) < 9.2e18 {
                appendInteger(Int64(approximate), into: &arena)
            } else {
                arena.append(Tag.double.rawValue)
                appendWord(approximate.bitPattern, into: &arena)
            }
        case nil:
            arena.append(Tag.numberText.rawValue)
            document.withBytes(of: value) { arena.append(contentsOf: $0) }
        }
    }

    private static func appendInteger(_ value: Int64, into arena: inout [UInt8]) {
        arena.append(Tag.integer.rawValue)
        appendWord(UInt64(bitPattern: value), into: &arena)
    }

    private static func appendWord(_ word: UInt64, into arena: inout [UInt8]) {
        withUnsafeBytes(of: word.littleEndian) { arena.append(contentsOf: $0) }
    }

    /// Applies `normalize:` to a string key's UTF-8 content.
    private static func appendNormalized(_ text: UnsafeRawBufferPointer, _ mode: DedupeSpec.Normalize, into output: inout [UInt8]) {
        switch mode {
        case .none:
            output.append(contentsOf: text)
        case .lower:
            if text.allSatisfy({ $0 < 0x80 }) {
                for byte in text {
                    output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                }
            } else {
                // Unicode case mapping (`É` → `é`, `ẞ` → `ß`) only for the rare non-ASCII key.
                output.append(contentsOf: String(decoding: text, as: UTF8.self).lowercased().utf8)
            }
        case .url:
            URLNormalizer.normalize(text.bindMemory(to: UInt8.self), into: &output)
        }
    }
}
