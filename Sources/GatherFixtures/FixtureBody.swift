import GatherCore

/// What a fixture path answers with when nothing goes wrong.
public enum FixtureBody: Sendable, Equatable {
    /// Canned bytes, read from a file or built from inline YAML when the fixture is loaded.
    case bytes([UInt8])
    /// A JSON description of the request itself, so tests can see exactly what the gateway sent.
    case echo
    /// The request's JSON body sent back with these members added to every object item: of the
    /// body itself when it is an array, else of every array member of the body object (a batch
    /// wrapped as `{"records": [ … ]}` comes back wrapped the same way). A stand-in for a batch
    /// enrichment service.
    case enrich(JSONObject)

    public static func text(_ text: String) -> FixtureBody {
        .bytes(Array(text.utf8))
    }
}
