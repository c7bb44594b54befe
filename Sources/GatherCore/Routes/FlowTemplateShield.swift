import Yams

/// Lets `path: /users/{id}` and `[http://host/search?q={query.q}]` stand unquoted inside YAML
/// flow collections, as the contract writes them. YAML reads `{` there as the start of a
/// mapping, so before parsing, a placeholder that continues a scalar (`/{id}`, `={query.q}`)
/// has its braces swapped for private-use characters of the same width, and every scalar gets
/// them back after parsing. Columns in error messages stay true.
enum FlowTemplateShield {
    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    /// nil when nothing needed shielding (or the text already holds the private characters).
    static func protect(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.contains(where: { $0 == "\u{E000}" || $0 == "\u{E001}" }) { return nil }
        var output = String.UnicodeScalarView()
        output.reserveCapacity(scalars.count)
        var changed = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{", index > 0, continuesScalar(scalars[index - 1]),
               let end = placeholderEnd(scalars, from: index) {
                output.append("\u{E000}")
                output.append(contentsOf: scalars[(index + 1)..<end])
                output.append("\u{E001}")
                index = end + 1
                changed = true
                continue
            }
            output.append(scalar)
            index += 1
        }
        return changed ? String(output) : nil
    }

    /// Puts the braces back into every scalar of the tree, keys included; marks are kept.
    static func restore(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            if scalar.string.unicodeScalars.contains(where: { $0 == "\u{E000}" || $0 == "\u{E001}" }) {
                let style = scalar.style
                scalar.string = String(String.UnicodeScalarView(scalar.string.unicodeScalars.map {
                    $0 == "\u{E000}" ? "{" : $0 == "\u{E001}" ? "}" : $0
                }))
                scalar.style = style
            }
            return .scalar(scalar)
        case .mapping(var mapping):
            for index in mapping.indices {
                let (key, value) = mapping[index]
                mapping[index] = (restore(key), restore(value))
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            for index in sequence.indices {
                sequence[index] = restore(sequence[index])
            }
            return .sequence(sequence)
        case .alias:
            return node
        }
    }

    /// A `{` right after one of these is inside a scalar, not the start of a flow mapping.
    private static func continuesScalar(_ previous: Unicode.Scalar) -> Bool {
        switch previous {
        case " ", "\t", "\n", "\r", "{", "[", ",", ":", "\u{E000}": return false
        default: return true
        }
    }

    /// The index of the `}` closing a `{name}` or `{source.name}` placeholder, if one starts here.
    private static func placeholderEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        guard index < scalars.count, isNameStart(scalars[index]) else { return nil }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "}" { return index }
            guard isNameStart(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" else { return nil }
            index += 1
        }
        return nil
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }
}
