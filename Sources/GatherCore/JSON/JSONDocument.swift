/// A JSON body kept as the bytes it arrived in, plus a flat index of where each value starts
/// and ends (in the spirit of simdjson's tape and sajson): one validating pass builds it, no
/// value is ever converted. Merges read the few fields they need by pointer; answers copy
/// value bytes, so every number keeps its text (`12345678901234567890`, `1E6`, `-0`, `1e400`)
/// and every string its escapes.
///
/// Values are named by their position on the tape (`Int`): the root is 0, a container's
/// children follow it in document order, an object's as key, value, key, value. `next(_:)`
/// jumps over a whole subtree, so walking a container touches only its direct children.
public struct JSONDocument: Sendable {
    public let bytes: [UInt8]
    @usableFromInline let tape: [Entry]

    /// The root value's position.
    public static let root = 0

    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline
        init(start: UInt32, end: UInt32, next: UInt32, count: UInt32, kind: JSONKind, flag: Bool) {
            self.start = start
            self.end = end
            self.next = next
            self.count = count
            self.kind = kind
            self.flag = flag
        }

        /// Byte range of the value in `bytes` (a string's includes its quotes).
        @usableFromInline var start: UInt32
        @usableFromInline var end: UInt32
        /// The position after this value's subtree.
        @usableFromInline var next: UInt32
        /// Elements of an array, members of an object; 0 for scalars.
        @usableFromInline var count: UInt32
        @usableFromInline var kind: JSONKind
        /// Strings: holds an escape. Numbers: has a fraction or an exponent. Arrays and
        /// objects: holds whitespace between its tokens.
        @usableFromInline var flag: Bool
    }

    /// Validates `bytes` as one strict RFC 8259 value (see `JSONIndexer` for the choices) and
    /// indexes it.
    public init(indexing bytes: [UInt8]) throws {
        var tape: [Entry] = []
        try bytes.withUnsafeBytes { raw in
            var indexer = JSONIndexer(raw)
            try indexer.indexDocument()
            tape = indexer.tape
        }
        self.bytes = bytes
        self.tape = tape
    }

    public var root: Int { Self.root }

    @inlinable public func kind(_ value: Int) -> JSONKind { tape[value].kind }
    @inlinable public func next(_ value: Int) -> Int { Int(tape[value].next) }
    @inlinable public func count(_ value: Int) -> Int { Int(tape[value].count) }
    @inlinable public func range(_ value: Int) -> Range<Int> { Int(tape[value].start)..<Int(tape[value].end) }

    /// Strings: true when the text holds a backslash escape (so its bytes are not its content).
    @inlinable public func hasEscapes(_ value: Int) -> Bool { tape[value].kind == .string && tape[value].flag }

    /// Arrays and objects: true when whitespace separates some of the tokens inside.
    @inlinable public func hasWhitespace(_ value: Int) -> Bool {
        (tape[value].kind == .array || tape[value].kind == .object) && tape[value].flag
    }

    /// Numbers: true for plain integers (no fraction, no exponent).
    @inlinable public func isIntegerText(_ value: Int) -> Bool { tape[value].kind == .number && !tape[value].flag }

    /// The elements of an array, in order.
    public func elements(of array: Int) -> [Int] {
        guard kind(array) == .array else { return [] }
        var result: [Int] = []
        result.reserveCapacity(count(array))
        var child = array + 1
        let end = next(array)
        while child < end {
            result.append(child)
            child = next(child)
        }
        return result
    }

    /// The members of an object as (key, value) positions, in the order written (repeated keys
    /// included).
    public func members(of object: Int) -> [(key: Int, value: Int)] {
        guard kind(object) == .object else { return [] }
        var result: [(key: Int, value: Int)] = []
        result.reserveCapacity(count(object))
        var key = object + 1
        let end = next(object)
        while key < end {
            result.append((key, key + 1))
            key = next(key + 1)
        }
        return result
    }

    /// Calls `body` with the raw bytes of `value` (as sent: whitespace inside containers kept).
    @inlinable
    public func withBytes<R>(of value: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = range(value)
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Calls `body` with the runs of `value`'s bytes that hold its tokens: the whole value when
    /// it has no whitespace between tokens (one copy), else the pieces between the whitespace
    /// outside its strings. Every number, string and literal is in them byte for byte.
    public func forEachCompactRun(of value: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        let range = range(value)
        bytes.withUnsafeBytes { all in
            let text = UnsafeRawBufferPointer(rebasing: all[range])
            guard hasWhitespace(value) else {
                body(text)
                return
            }
            var runStart = 0
            var position = 0
            var inString = false
            while position < text.count {
                let byte = text[position]
                if inString {
                    if byte == UInt8(ascii: "\\") {
                        position += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") { inString = false }
                    position += 1
                    continue
                }
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D:
                    if runStart < position { body(UnsafeRawBufferPointer(rebasing: text[runStart..<position])) }
                    position += 1
                    runStart = position
                case UInt8(ascii: "\""):
                    inString = true
                    position += 1
                default:
                    position += 1
                }
            }
            if runStart < position { body(UnsafeRawBufferPointer(rebasing: text[runStart..<position])) }
        }
    }

    /// The raw text of `value`; for tests and messages.
    public func text(of value: Int) -> String {
        String(decoding: bytes[range(value)], as: UTF8.self)
    }
}

/// What a value on a `JSONDocument`'s tape is.
public enum JSONKind: UInt8, Sendable {
    case null, falseValue, trueValue, number, string, array, object
}
