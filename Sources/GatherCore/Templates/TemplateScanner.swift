/// Splits template text into literal runs and `{source.NAME}` placeholders.
/// `{{` and `}}` stand for literal braces; anything else in braces is an error, so a typo
/// such as `{qurey.q}` fails at load instead of being sent upstream as text.
enum TemplateScanner {
    static let placeholderForms = "{query.NAME}, {path.NAME}, {header.NAME}, {from.UPSTREAM/POINTER}, {item/POINTER} or {shard}"

    static func scan(_ text: TemplateSourceText) throws(TemplateSyntaxError) -> [TemplatePiece] {
        var pieces: [TemplatePiece] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
        }
        for piece in text.pieces {
            switch piece {
            case .substituted(let value):
                literal += value
            case .written(let written):
                var index = written.startIndex
                while index < written.endIndex {
                    let character = written[index]
                    let next = written.index(after: index)
                    if character == "{" {
                        if next < written.endIndex, written[next] == "{" {
                            literal.append("{")
                            index = written.index(after: next)
                            continue
                        }
                        guard let close = written[next...].firstIndex(of: "}") else {
                            throw TemplateSyntaxError("unclosed '{' in template (write '{{' for a literal brace)")
                        }
                        let body = written[next..<close]
                        flush()
                        pieces.append(.placeholder(try reference(body)))
                        index = written.index(after: close)
                    } else if character == "}" {
                        guard next < written.endIndex, written[next] == "}" else {
                            throw TemplateSyntaxError("unmatched '}' in template (write '}}' for a literal brace)")
                        }
                        literal.append("}")
                        index = written.index(after: next)
                    } else {
                        literal.append(character)
                        index = next
                    }
                }
            }
        }
        flush()
        return pieces
    }

    private static func reference(_ body: Substring) throws(TemplateSyntaxError) -> TemplateReference {
        if body == "shard" { return .shard }
        if body == "item" || body.hasPrefix("item/") {
            let pointerText = String(body.dropFirst(4))
            guard let pointer = JSONPointer(pointerText) else {
                throw TemplateSyntaxError("invalid JSON pointer '\(pointerText)' in {\(body)} (RFC 6901: '/' between tokens, '~0' for '~', '~1' for '/')")
            }
            return TemplateReference(kind: .item, name: "", pointer: pointer)
        }
        guard let dot = body.firstIndex(of: ".") else {
            throw TemplateSyntaxError("unknown template placeholder {\(body)}: use \(placeholderForms)")
        }
        let source = body[..<dot]
        let name = body[body.index(after: dot)...]
        if source == "from" { return try fromReference(name, body) }
        let kind: TemplateReference.Kind
        switch source {
        case "query": kind = .query
        case "path": kind = .path
        case "header": kind = .header
        default:
            throw TemplateSyntaxError("unknown template source '\(source)' in {\(body)}: use \(placeholderForms)")
        }
        guard !name.isEmpty else {
            throw TemplateSyntaxError("template placeholder {\(body)} has no name: use \(placeholderForms)")
        }
        let valid: Bool
        switch kind {
        case .header: valid = HTTPToken.isToken(name)
        case .path: valid = PathPattern.isValidParameterName(name)
        default: valid = name.utf8.allSatisfy { PercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
        }
        guard valid else {
            throw TemplateSyntaxError("invalid \(kind.rawValue) name '\(name)' in {\(body)}")
        }
        return TemplateReference(kind: kind, name: String(name))
    }

    /// `from.NAME` (the whole body) or `from.NAME/POINTER`: NAME is an upstream of the route.
    private static func fromReference(_ text: Substring, _ body: Substring) throws(TemplateSyntaxError) -> TemplateReference {
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        let upstream = text[..<slash]
        let pointerText = String(text[slash...])
        let validName = !upstream.isEmpty && upstream.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard validName else {
            throw TemplateSyntaxError("{\(body)} must name an upstream (a-z, 0-9, '_', '-') then a JSON pointer: {from.UPSTREAM/POINTER}")
        }
        guard let pointer = JSONPointer(pointerText) else {
            throw TemplateSyntaxError("invalid JSON pointer '\(pointerText)' in {\(body)} (RFC 6901: '/' between tokens, '~0' for '~', '~1' for '/')")
        }
        return .from(String(upstream), pointer)
    }
}
