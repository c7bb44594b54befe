/// Strict RFC 8259 parser reading straight from bytes.
///
/// Choices where the RFC leaves room:
/// - The whole input must be one value; whitespace around it is allowed, and a leading UTF-8
///   byte order mark is skipped (RFC 8259 §8.1 permits ignoring it).
/// - Containers may nest at most `maximumDepth` deep.
/// - Integers without fraction or exponent that fit in Int64 become `.int` (so `-0` is `.int(0)`);
///   every other number becomes `.double`. A number too large for a Double is an error rather
///   than an infinity that could not be written back as JSON.
/// - A `\u` escape naming a lone surrogate is an error (it cannot be a Unicode scalar), as are
///   invalid UTF-8 and raw control characters inside strings.
/// - Duplicate object names are kept as written (lookups see the first); detecting them would
///   cost quadratic time on hostile input.
public enum JSONParser {
    public static let maximumDepth = 256

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var reader = JSONReader(bytes)
        return try reader.readDocument()
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0) }
    }
}
