/// A route's `match.path`, e.g. `/users/{id}/orders`: literal segments and `{name}` segments
/// that each capture exactly one non-empty path segment.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public let source: String
    public let segments: [Segment]

    public init?(_ text: String) {
        guard let pattern = try? PathPattern(parsing: text) else { return nil }
        self = pattern
    }

    public init(parsing text: String) throws(TemplateSyntaxError) {
        guard text.hasPrefix("/") else { throw TemplateSyntaxError("path must start with '/'") }
        var segments: [Segment] = []
        var names: Set<String> = []
        let parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count >= 2 {
                let name = String(part.dropFirst().dropLast())
                guard Self.isValidParameterName(name) else {
                    throw TemplateSyntaxError("invalid path parameter '{\(name)}': names use letters, digits, '_' and '-'")
                }
                guard names.insert(name).inserted else {
                    throw TemplateSyntaxError("path parameter '{\(name)}' appears twice")
                }
                segments.append(.parameter(name))
                continue
            }
            if part.contains("{") || part.contains("}") {
                throw TemplateSyntaxError("a path parameter must be a whole segment, like /files/{name}")
            }
            if part.isEmpty && index != parts.count - 1 {
                throw TemplateSyntaxError("path has an empty segment ('//')")
            }
            if part == "." || part == ".." {
                throw TemplateSyntaxError("path cannot hold '.' or '..' segments")
            }
            guard part.utf8.allSatisfy(Self.isPathByte) else {
                throw TemplateSyntaxError("path holds a character that must be percent-encoded (or a '?' or '#')")
            }
            segments.append(.literal(String(part)))
        }
        self.source = text
        self.segments = segments
    }

    public var description: String { source }

    public var parameterNames: [String] {
        segments.compactMap {
            if case .parameter(let name) = $0 { return name }
            return nil
        }
    }

    /// The pattern with parameter names erased, so `/users/{id}` and `/users/{uid}` compare
    /// equal: two routes with the same method and shape would be ambiguous.
    public var shape: String {
        "/" + segments.map {
            switch $0 {
            case .literal(let text): return text
            case .parameter: return "{}"
            }
        }.joined(separator: "/")
    }

    /// The percent-decoded parameters when `path` (without its query) matches, else nil.
    /// A parameter segment that does not decode to UTF-8 does not match.
    public func match(_ path: Substring) -> [String: String]? {
        match(path, isASCII: Self.isASCII(path))
    }

    /// `match` for a caller that tries many patterns on one path and so looks at its bytes once
    /// (`RouteTable`). An ASCII path (every real one) is walked segment by segment in its bytes,
    /// with no array of parts per route per request; others keep the Character-wise split below,
    /// whose grapheme rules an ASCII path cannot meet.
    func match(_ path: Substring, isASCII: Bool) -> [String: String]? {
        isASCII ? matchASCII(path) : matchSplitting(path)
    }

    static func isASCII(_ path: Substring) -> Bool {
        path.utf8.allSatisfy { $0 < 0x80 }
    }

    /// `match` for any path: split into Characters' segments.
    func matchSplitting(_ path: Substring) -> [String: String]? {
        guard path.hasPrefix("/") else { return nil }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = PercentEncoding.decode(part) else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// `match` for a path of ASCII bytes, where a Character is a byte (but for CR LF, which
    /// compares equal as bytes too) and String equality is byte equality.
    func matchASCII(_ path: Substring) -> [String: String]? {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/"), !segments.isEmpty else { return nil }
        var start = bytes.index(after: bytes.startIndex)
        var parameters: [String: String] = [:]
        for (position, segment) in segments.enumerated() {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            // The last segment runs to the end of the path, every other one to a '/'.
            guard (end == bytes.endIndex) == (position == segments.count - 1) else { return nil }
            let part = path[start..<end]
            switch segment {
            case .literal(let text):
                guard part.utf8.elementsEqual(text.utf8) else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = PercentEncoding.decode(part) else { return nil }
                parameters[name] = value
            }
            if end != bytes.endIndex { start = bytes.index(after: end) }
        }
        return parameters
    }

    public static func isValidParameterName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122)
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// RFC 3986 pchar: unreserved, sub-delims, ':', '@' and '%' (escapes).
    private static func isPathByte(_ byte: UInt8) -> Bool {
        PercentEncoding.isUnreserved(byte) || "!$&'()*+,;=:@%".utf8.contains(byte)
    }
}
