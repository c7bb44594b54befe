import Foundation

/// A header value sent upstream, e.g. `Bearer ${TOKEN}` (expanded at load) or
/// `{header.X-Tenant}`. Placeholder values have their control bytes percent-encoded so that
/// a value can never end the header line or add another header.
public struct HeaderTemplate: Sendable, Equatable, CustomStringConvertible {
    /// The value as written (environment references unexpanded, so secrets stay out of logs).
    public private(set) var source: String
    let pieces: [TemplatePiece]

    public init(parsing text: String) throws(TemplateSyntaxError) {
        try self.init(parsing: TemplateSourceText(written: text), source: text)
    }

    public init(parsing text: TemplateSourceText, source: String) throws(TemplateSyntaxError) {
        self.source = source
        self.pieces = try TemplateScanner.scan(text)
        for case .literal(let literal) in pieces {
            // HTAB is allowed in field values; every other control byte would break the message.
            if literal.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                throw TemplateSyntaxError("header value contains a line break or control character")
            }
        }
    }

    private init(source: String, pieces: [TemplatePiece]) {
        self.source = source
        self.pieces = pieces
    }

    public var description: String { source }

    public var references: [TemplateReference] {
        pieces.compactMap {
            if case .placeholder(let reference) = $0 { return reference }
            return nil
        }
    }

    public func render(_ values: TemplateValues) -> Result<String, MissingTemplateValue> {
        var text = ""
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                text += literal
            case .placeholder(let reference):
                guard let value = values.value(for: reference) else {
                    return .failure(MissingTemplateValue(reference: reference))
                }
                text += PercentEncoding.encodeHeaderValue(value)
            }
        }
        return .success(text)
    }

    /// This template with `{shard}` replaced by `index`, for one upstream of a sharded block.
    public func substitutingShard(_ index: Int) -> HeaderTemplate {
        let digits = String(index)
        let pieces = pieces.map { piece -> TemplatePiece in
            if case .placeholder(let reference) = piece, reference.kind == .shard { return .literal(digits) }
            return piece
        }
        return HeaderTemplate(source: source.replacingOccurrences(of: "{shard}", with: digits), pieces: pieces)
    }
}
