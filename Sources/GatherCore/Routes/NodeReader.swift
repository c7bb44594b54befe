import Yams

/// Reads typed values out of a composed YAML tree, expanding `${ENV}` in every scalar and
/// collecting a located error for each problem instead of stopping at the first.
///
/// Types come from the text, not from YAML's tag guessing: a plain scalar may be a number or
/// a boolean, a quoted one is always a string (so JSON's `"32"` is not the number 32).
struct NodeReader {
    let file: String
    let environment: [String: String]
    private(set) var errors: [RouteLoadError] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    // MARK: Errors

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func fail(_ node: Node, _ message: String) {
        errors.append(RouteLoadError(location: location(node), message: message))
    }

    mutating func fail(at location: SourceLocation, _ message: String) {
        errors.append(RouteLoadError(location: location, message: message))
    }

    /// How a value that had the wrong type looks, for "…, found X".
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain && Self.isNull(scalar.string) { return "nothing" }
            return "'\(scalar.string)'"
        }
    }

    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    // MARK: Collections

    mutating func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> MappingFields? {
        guard case .mapping(let mapping) = node else {
            fail(node, "\(what) must be a mapping, found \(describe(node))")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                fail(keyNode, "\(what) keys must be plain names, found \(describe(keyNode))")
                continue
            }
            guard allowed.contains(key.string) else {
                fail(keyNode, "unknown key '\(key.string)' in \(what); allowed keys: \(allowed.joined(separator: ", "))")
                continue
            }
            entries.append((key.string, keyNode, value))
        }
        let fields = MappingFields(node: node, entries: entries)
        for key in required where fields[key] == nil {
            fail(node, "\(what) is missing required key '\(key)'")
        }
        return fields
    }

    /// A mapping whose keys are free-form names (`map:`, `headers:`, `summary:`).
    mutating func namedEntries(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            fail(node, "\(what) must be a mapping, found \(describe(node))")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode, !key.string.isEmpty else {
                fail(keyNode, "\(what) keys must be non-empty names, found \(describe(keyNode))")
                continue
            }
            entries.append((key.string, keyNode, value))
        }
        return entries
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            fail(node, "\(what) must be a list, found \(describe(node))")
            return nil
        }
        return Array(sequence)
    }

    // MARK: Scalars

    /// The scalar's text with `${ENV}` expanded, and whether it was written plain (unquoted).
    mutating func scalar(_ node: Node, _ what: String, expecting: String) -> (text: String, plain: Bool)? {
        guard case .scalar(let scalar) = node else {
            fail(node, "\(what) must be \(expecting), found \(describe(node))")
            return nil
        }
        guard let expanded = expand(node, scalar.string) else { return nil }
        return (expanded.joined, scalar.style == .plain)
    }

    mutating func expand(_ node: Node, _ text: String) -> TemplateSourceText? {
        switch EnvironmentExpander.expand(text, environment: environment) {
        case .success(let expanded):
            return expanded
        case .failure(let failure):
            for message in failure.messages { fail(node, message) }
            return nil
        }
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        if case .scalar(let scalar) = node, scalar.style == .plain, Self.isNull(scalar.string) {
            fail(node, "\(what) must be a string, found nothing")
            return nil
        }
        return scalar(node, what, expecting: "a string")?.text
    }

    /// A URL or header template: the expanded pieces and the text as written.
    mutating func template(_ node: Node, _ what: String) -> (text: TemplateSourceText, source: String)? {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && Self.isNull(scalar.string)) else {
            fail(node, "\(what) must be a string, found \(describe(node))")
            return nil
        }
        guard let expanded = expand(node, scalar.string) else { return nil }
        return (expanded, scalar.string)
    }

    mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        let expecting = Self.describe(range)
        guard let (text, plain) = scalar(node, what, expecting: expecting) else { return nil }
        guard plain, let value = Self.parseInteger(text) else {
            fail(node, "\(what) must be \(expecting), found \(plain ? "'\(text)'" : "the string '\(text)'")")
            return nil
        }
        guard range.contains(value) else {
            fail(node, "\(what) must be \(expecting), found \(value)")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ what: String, minimum: Double) -> Double? {
        let expecting = "a number of at least \(Self.format(minimum))"
        guard let (text, plain) = scalar(node, what, expecting: expecting) else { return nil }
        guard plain, let value = Self.parseNumber(text) else {
            fail(node, "\(what) must be \(expecting), found \(plain ? "'\(text)'" : "the string '\(text)'")")
            return nil
        }
        guard value >= minimum else {
            fail(node, "\(what) must be \(expecting), found \(text)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let (text, plain) = scalar(node, what, expecting: "true or false") else { return nil }
        if plain, ["true", "True", "TRUE"].contains(text) { return true }
        if plain, ["false", "False", "FALSE"].contains(text) { return false }
        fail(node, "\(what) must be true or false, found '\(text)'")
        return nil
    }

    mutating func duration(_ node: Node, _ what: String) -> Duration? {
        guard let (text, _) = scalar(node, what, expecting: DurationParser.expectedForm) else { return nil }
        guard let duration = DurationParser.parse(text) else {
            fail(node, "\(what) must be \(DurationParser.expectedForm), found '\(text)'")
            return nil
        }
        return duration
    }

    mutating func size(_ node: Node, _ what: String) -> Int? {
        guard let (text, _) = scalar(node, what, expecting: SizeParser.expectedForm) else { return nil }
        guard let size = SizeParser.parse(text) else {
            fail(node, "\(what) must be \(SizeParser.expectedForm), found '\(text)'")
            return nil
        }
        return size
    }

    mutating func pointer(_ node: Node, _ what: String) -> JSONPointer? {
        let expecting = "a JSON pointer such as /results (RFC 6901)"
        guard let (text, _) = scalar(node, what, expecting: expecting) else { return nil }
        guard let pointer = JSONPointer(text) else {
            fail(node, "\(what) must be \(expecting), found '\(text)'")
            return nil
        }
        return pointer
    }

    /// A budget such as `2%`, as a fraction of one.
    mutating func fraction(_ node: Node, _ what: String) -> Double? {
        let expecting = "a percentage such as 2% (0% to 100%)"
        guard let (text, _) = scalar(node, what, expecting: expecting) else { return nil }
        guard let fraction = PercentParser.parseFraction(text) else {
            fail(node, "\(what) must be \(expecting), found '\(text)'")
            return nil
        }
        return fraction
    }

    /// `K` (at least `minimum`) or a percentage such as `66%`.
    mutating func threshold(_ node: Node, _ what: String, minimum: Int) -> Threshold? {
        let expecting = "a count of at least \(minimum) or a percentage such as 66%"
        guard let (text, plain) = scalar(node, what, expecting: expecting) else { return nil }
        if text.hasSuffix("%") {
            guard let percent = PercentParser.parsePercent(text), percent > 0 || minimum == 0 else {
                fail(node, "\(what) must be \(expecting), found '\(text)'")
                return nil
            }
            return .percent(percent)
        }
        guard plain, let count = Self.parseInteger(text), count >= minimum else {
            fail(node, "\(what) must be \(expecting), found '\(text)'")
            return nil
        }
        return .count(count)
    }

    /// One of `options`, by raw value; the message lists them all.
    mutating func choice<T: RawRepresentable>(_ node: Node, _ what: String, _ options: [T]) -> T?
    where T.RawValue == String {
        let options = options.map(\.rawValue).joined(separator: " | ")
        guard let (text, _) = scalar(node, what, expecting: "one of \(options)") else { return nil }
        guard let value = T(rawValue: text) else {
            fail(node, "\(what) must be one of \(options), found '\(text)'")
            return nil
        }
        return value
    }

    // MARK: Text forms

    static func parseInteger(_ text: String) -> Int? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }

    static func parseNumber(_ text: String) -> Double? {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let allowed = body.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }
        guard allowed, body.first != ".", body.last != ".", let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "an integer of at least \(range.lowerBound)" }
        return "an integer from \(range.lowerBound) to \(range.upperBound)"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
