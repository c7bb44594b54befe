/// A template split into literal text and placeholders.
enum TemplatePiece: Sendable, Equatable {
    case literal(String)
    case placeholder(TemplateReference)
}
