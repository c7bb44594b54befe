/// Reads `{from.NAME/POINTER}` values out of earlier upstreams' answers, for a dependent
/// upstream's templates. A value is a string (its content, escapes resolved), a number (its
/// text as sent: `12345678901234567890` stays exact) or a boolean; the template then
/// percent-encodes it for where it stands, like any other value.
public enum DependencyValues {
    /// One reference that could not be filled: the dependent is skipped with
    /// `error: "needs NAME: REASON"`.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var upstream: String
        public var reason: String

        public init(upstream: String, reason: String) {
            self.upstream = upstream
            self.reason = reason
        }

        public var description: String { "needs \(upstream): \(reason)" }
    }

    /// The scalar at `pointer` in `body` as template text, or why there is none.
    public enum Read: Sendable, Equatable {
        case success(String)
        case failure(String)
    }

    public static func scalar(in body: JSONDocument, at pointer: JSONPointer, from start: Int = JSONDocument.root) -> Read {
        guard let value = body.resolve(pointer, from: start) else { return .failure("\(Self.describe(pointer)) missing") }
        switch body.kind(value) {
        case .string: return .success(body.string(value) ?? "")
        case .number: return .success(body.text(of: value))
        case .trueValue: return .success("true")
        case .falseValue: return .success("false")
        case .null: return .failure("\(Self.describe(pointer)) is null, not a string, number or boolean")
        case .array: return .failure("\(Self.describe(pointer)) is an array, not a string, number or boolean")
        case .object: return .failure("\(Self.describe(pointer)) is an object, not a string, number or boolean")
        }
    }

    /// Fills `values.upstreamValues` for every `from` reference in `references`; `body(name)` is
    /// the ok answer of the upstream of that name.
    public static func fill(_ values: inout TemplateValues, for references: [TemplateReference],
                            body: (String) -> JSONDocument?) -> Problem? {
        for reference in references where reference.kind == .from && values.upstreamValues[reference] == nil {
            guard let document = body(reference.name) else {
                return Problem(upstream: reference.name, reason: "no answer")
            }
            switch scalar(in: document, at: reference.pointer) {
            case .success(let text): values.upstreamValues[reference] = text
            case .failure(let reason): return Problem(upstream: reference.name, reason: reason)
            }
        }
        return nil
    }

    private static func describe(_ pointer: JSONPointer) -> String {
        pointer.tokens.isEmpty ? "the body" : pointer.description
    }
}
