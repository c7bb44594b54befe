/// Parses JSON into a `JSONValue` tree: `JSONDocument`'s one validating pass (see
/// `JSONIndexer` for the choices), then the conversion. For route files, fixtures and tests;
/// upstream answers stay `JSONDocument`s.
public enum JSONParser {
    public static var maximumDepth: Int { JSONIndexer.maximumDepth }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDocument(indexing: bytes).value()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        try parse(Array(bytes))
    }
}
