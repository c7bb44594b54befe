/// One `{source.NAME}` placeholder in a URL or header template.
public struct TemplateReference: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case query, path, header, shard
        /// `{from.NAME/POINTER}`: a scalar in an earlier upstream's answer (`name` is that upstream).
        case from
        /// `{item/POINTER}`: a scalar in the current item of a map (`each:`, batch 1).
        case item
    }

    public var kind: Kind
    /// The query parameter or path parameter as written, or the header name lowercased;
    /// empty for `shard`.
    public var name: String
    /// `from` only: where in that upstream's body the value is.
    public var pointer: JSONPointer

    public init(kind: Kind, name: String, pointer: JSONPointer = .root) {
        self.kind = kind
        self.name = kind == .header ? name.lowercased() : name
        self.pointer = pointer
    }

    public static func from(_ upstream: String, _ pointer: JSONPointer) -> TemplateReference {
        TemplateReference(kind: .from, name: upstream, pointer: pointer)
    }

    public static let shard = TemplateReference(kind: .shard, name: "")

    /// The placeholder as a route file writes it.
    public var description: String {
        switch kind {
        case .shard: return "{shard}"
        case .from: return "{from.\(name)\(pointer)}"
        case .item: return "{item\(pointer)}"
        default: return "{\(kind.rawValue).\(name)}"
        }
    }
}
