/// What a fixture path answers with when nothing goes wrong.
public enum FixtureBody: Sendable, Equatable {
    /// Canned bytes, read from a file or built from inline YAML when the fixture is loaded.
    case bytes([UInt8])
    /// A JSON description of the request itself, so tests can see exactly what the gateway sent.
    case echo

    public static func text(_ text: String) -> FixtureBody {
        .bytes(Array(text.utf8))
    }
}
