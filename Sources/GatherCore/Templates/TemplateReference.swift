/// One `{source.NAME}` placeholder in a URL or header template.
public struct TemplateReference: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case query, path, header, shard
    }

    public var kind: Kind
    /// The query parameter or path parameter as written, or the header name lowercased;
    /// empty for `shard`.
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = kind == .header ? name.lowercased() : name
    }

    public static let shard = TemplateReference(kind: .shard, name: "")

    /// The placeholder as a route file writes it.
    public var description: String {
        kind == .shard ? "{shard}" : "{\(kind.rawValue).\(name)}"
    }
}
