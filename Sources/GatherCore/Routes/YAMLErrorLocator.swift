import Yams

/// Turns Yams' syntax errors into located route-file errors.
enum YAMLErrorLocator {
    static func routeError(_ error: Error, file: String, text: String) -> RouteLoadError {
        func at(_ mark: Mark, _ message: String) -> RouteLoadError {
            at(line: mark.line, column: mark.column, message)
        }
        func at(line: Int, column: Int, _ message: String) -> RouteLoadError {
            RouteLoadError(location: SourceLocation(file: file, line: line, column: column), message: message)
        }
        func detail(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "invalid YAML: \(problem)" }
            var message = "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            if context.text.contains("flow") {
                // The usual cause: `[http://h/?q={query.q}]` or `{ path: /users/{id} }` unquoted.
                message += "; inside [ ] or { } quote any value that holds '{', '}', '[', ']' or ','"
            }
            return message
        }
        guard let yamlError = error as? YamlError else {
            return RouteLoadError(location: SourceLocation(file: file, line: 1, column: 1), message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return at(mark, detail(problem, context))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return at(context.mark, "duplicate key \(keys) in a mapping")
        case .reader(let problem, let offset, _, _):
            let position = position(ofCharacterOffset: offset ?? 0, in: text)
            return at(line: position.line, column: position.column, "invalid YAML: \(problem)")
        default:
            return RouteLoadError(location: SourceLocation(file: file, line: 1, column: 1), message: "invalid YAML: \(yamlError)")
        }
    }

    /// Line and column (from 1, counted in unicode scalars like libyaml) of a Character offset.
    private static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
