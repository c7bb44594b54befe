/// A template needed a value the request did not have; the server answers 400 with this text.
public struct MissingTemplateValue: Error, Sendable, Equatable, CustomStringConvertible {
    public var reference: TemplateReference

    public init(reference: TemplateReference) {
        self.reference = reference
    }

    public var description: String {
        switch reference.kind {
        case .query: return "missing query parameter '\(reference.name)'"
        case .path: return "missing path parameter '\(reference.name)'"
        case .header: return "missing header '\(reference.name)'"
        case .shard: return "missing shard index"
        case .from, .item: return "missing value \(reference)"
        }
    }
}
