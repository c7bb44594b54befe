/// Template text after `${ENV}` expansion, remembering which parts came from the environment:
/// those are literal text even when they hold braces (a token may contain `{`), and errors
/// about them never echo them (they may be secrets).
public struct TemplateSourceText: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        /// Text written in the route file; braces here are placeholders.
        case written(String)
        /// Text taken from the environment; always literal.
        case substituted(String)
    }

    public var pieces: [Piece]

    public init(_ pieces: [Piece]) {
        self.pieces = pieces
    }

    /// Plain text with no environment parts.
    public init(written text: String) {
        self.pieces = [.written(text)]
    }
}
