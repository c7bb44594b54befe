import Foundation

/// Expands `${NAME}` and `${NAME:-default}` in route-file strings at load time.
/// `:-` uses the default when the variable is unset or empty (as in a POSIX shell);
/// `$${NAME}` writes the literal text `${NAME}`; a `$` not followed by `{` is plain text.
enum EnvironmentExpander {
    static func expand(_ text: String, environment: [String: String]) -> Result<TemplateSourceText, ExpansionErrors> {
        guard text.contains("$") else { return .success(TemplateSourceText(written: text)) }
        var pieces: [TemplateSourceText.Piece] = []
        var written = ""
        var problems: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            written += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                // `$${NAME}` is the text `${NAME}`, kept as one literal piece so that template
                // scanning does not read its braces as a placeholder.
                let escaped = afterDollar.dropFirst()
                let end = escaped.firstIndex(of: "}").map { escaped.index(after: $0) } ?? escaped.index(after: escaped.startIndex)
                if !written.isEmpty { pieces.append(.written(written)); written = "" }
                pieces.append(.substituted("$" + escaped[..<end]))
                rest = escaped[end...]
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                written += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                problems.append("unclosed '${' (write '$${' for a literal '${')")
                rest = ""
                break
            }
            let body = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            rest = afterDollar[afterDollar.index(after: close)...]
            let name: Substring
            let fallback: Substring?
            if let separator = body.range(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isVariableName(name) else {
                problems.append("invalid environment reference '${\(body)}': write ${NAME} or ${NAME:-default}")
                continue
            }
            let value: String
            if let fallback {
                if let set = environment[String(name)], !set.isEmpty { value = set } else { value = String(fallback) }
            } else if let set = environment[String(name)] {
                value = set
            } else {
                problems.append("environment variable \(name) is not set (write ${\(name):-default} to give a default)")
                continue
            }
            if !written.isEmpty { pieces.append(.written(written)); written = "" }
            pieces.append(.substituted(value))
        }
        written += rest
        if !written.isEmpty || pieces.isEmpty { pieces.append(.written(written)) }
        return problems.isEmpty ? .success(TemplateSourceText(pieces)) : .failure(ExpansionErrors(messages: problems))
    }

    struct ExpansionErrors: Error {
        var messages: [String]
    }

    /// POSIX shell names: a letter or `_`, then letters, digits and `_`.
    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_")
        }
    }
}

extension TemplateSourceText {
    /// The text with every piece joined, for values that are not templates.
    var joined: String {
        pieces.map {
            switch $0 {
            case .written(let text), .substituted(let text): return text
            }
        }.joined()
    }
}
