import Foundation

/// An upstream URL with placeholders, e.g. `http://127.0.0.1:9101/users/{path.id}?q={query.q}`.
///
/// The scheme, host and port are fixed text from the route file: a request value can never
/// choose where a request goes (only `{shard}`, an index the route file itself expands, may
/// stand there). Each placeholder is percent-encoded for where it stands: in the path as one
/// segment, in the query as one name or value.
public struct URLTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Position: Sendable, Equatable {
        case authority, path, query
    }

    enum Part: Sendable, Equatable {
        case literal(String)
        case placeholder(TemplateReference, Position)
    }

    /// The template as written (environment references unexpanded, so secrets stay out of logs).
    public private(set) var source: String
    let parts: [Part]

    public init(parsing text: String) throws(TemplateSyntaxError) {
        try self.init(parsing: TemplateSourceText(written: text), source: text)
    }

    public init(parsing text: TemplateSourceText, source: String) throws(TemplateSyntaxError) {
        self.source = source
        self.parts = try Self.classify(TemplateScanner.scan(text))
    }

    private init(source: String, parts: [Part]) {
        self.source = source
        self.parts = parts
    }

    public var description: String { source }

    /// Whether the url is `https://` (the scheme is fixed text, lowercased at parse).
    public var isHTTPS: Bool {
        if case .literal(let text)? = parts.first { return text.hasPrefix("https://") }
        return false
    }

    /// Every placeholder, in order of appearance.
    public var references: [TemplateReference] {
        parts.compactMap {
            if case .placeholder(let reference, _) = $0 { return reference }
            return nil
        }
    }

    public func render(_ values: TemplateValues) -> Result<String, MissingTemplateValue> {
        var url = ""
        for part in parts {
            switch part {
            case .literal(let text):
                url += text
            case .placeholder(let reference, let position):
                guard let value = values.value(for: reference) else {
                    return .failure(MissingTemplateValue(reference: reference))
                }
                switch position {
                case .authority, .path: url += PercentEncoding.encodePathSegment(value)
                case .query: url += PercentEncoding.encodeQueryComponent(value)
                }
            }
        }
        return .success(url)
    }

    /// This template with `{shard}` replaced by `index`, for one upstream of a sharded block.
    public func substitutingShard(_ index: Int) -> URLTemplate {
        let digits = String(index)
        let parts = parts.map { part -> Part in
            if case .placeholder(let reference, _) = part, reference.kind == .shard { return .literal(digits) }
            return part
        }
        return URLTemplate(source: source.replacingOccurrences(of: "{shard}", with: digits),
                           parts: Self.joiningLiterals(parts))
    }

    // MARK: - Structure

    private static func classify(_ pieces: [TemplatePiece]) throws(TemplateSyntaxError) -> [Part] {
        // Scheme: the text before the first placeholder must start with it.
        let lead: String
        if case .literal(let text)? = pieces.first { lead = text } else { lead = "" }
        let lowered = lead.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("http://") {
            schemeLength = 7
        } else if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else if pieces.first.map({ if case .placeholder = $0 { return true } else { return false } }) == true {
            throw TemplateSyntaxError(hostsMessage)
        } else {
            throw TemplateSyntaxError("upstream url must start with http:// or https://")
        }

        var parts: [Part] = []
        var position = Position.authority
        var authority = ""  // with shard placeholders standing in as "0", for the host check
        for (pieceIndex, piece) in pieces.enumerated() {
            switch piece {
            case .placeholder(let reference):
                if position == .authority {
                    guard reference.kind == .shard else { throw TemplateSyntaxError(hostsMessage) }
                    authority += "0"
                }
                parts.append(.placeholder(reference, position))
            case .literal(let text):
                var bytes = Array(text.utf8)
                var kept: [UInt8] = []
                if pieceIndex == 0 {
                    kept = Array(bytes[0..<schemeLength]).map { $0 | (($0 >= 65 && $0 <= 90) ? 0x20 : 0) }
                    bytes.removeFirst(schemeLength)
                }
                try checkPercentEscapes(bytes)
                for byte in bytes {
                    try checkLiteral(byte)
                    if position == .authority {
                        if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") {
                            try checkAuthority(authority)
                            position = byte == UInt8(ascii: "?") ? .query : .path
                        } else {
                            authority.unicodeScalars.append(Unicode.Scalar(byte))
                        }
                    } else if position == .path, byte == UInt8(ascii: "?") {
                        position = .query
                    }
                    kept.append(byte)
                }
                parts.append(.literal(String(decoding: kept, as: UTF8.self)))
            }
        }
        if position == .authority { try checkAuthority(authority) }
        return joiningLiterals(parts)
    }

    private static let hostsMessage =
        "upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"

    private static func checkLiteral(_ byte: UInt8) throws(TemplateSyntaxError) {
        if byte <= 0x20 || byte == 0x7F {
            throw TemplateSyntaxError("upstream url contains a space or control character (percent-encode it)")
        }
        if byte >= 0x80 {
            throw TemplateSyntaxError("upstream url contains a non-ASCII character (percent-encode it)")
        }
        if byte == UInt8(ascii: "#") {
            throw TemplateSyntaxError("upstream url cannot have a fragment ('#' is never sent to a server)")
        }
    }

    private static func checkPercentEscapes(_ bytes: [UInt8]) throws(TemplateSyntaxError) {
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, PercentEncoding.hexValue(bytes[index + 1]) != nil,
                  PercentEncoding.hexValue(bytes[index + 2]) != nil else {
                throw TemplateSyntaxError("upstream url has a '%' that does not start an escape such as %2F")
            }
        }
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; no user info (send credentials as headers).
    private static func checkAuthority(_ authority: String) throws(TemplateSyntaxError) {
        if authority.contains("@") {
            throw TemplateSyntaxError("upstream url cannot hold user info (user@host); send credentials with headers:")
        }
        var host = Substring(authority)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw TemplateSyntaxError("upstream url has an unclosed '[' in its host")
            }
            let rest = host[host.index(after: close)...]
            host = host[...close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw TemplateSyntaxError("upstream url has a malformed host") }
                port = rest.dropFirst()
            }
        } else if let colon = host.firstIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw TemplateSyntaxError("upstream url has no host") }
        if !host.hasPrefix("[") {
            let valid = host.utf8.allSatisfy { PercentEncoding.isUnreserved($0) && $0 != UInt8(ascii: "~") }
            guard valid else { throw TemplateSyntaxError("upstream url has an invalid host '\(host)'") }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let number = Int(port), (1...65535).contains(number) else {
                throw TemplateSyntaxError("upstream url has an invalid port '\(port)' (1-65535)")
            }
        }
    }

    private static func joiningLiterals(_ parts: [Part]) -> [Part] {
        var joined: [Part] = []
        for part in parts {
            if case .literal(let text) = part, case .literal(let previous)? = joined.last {
                joined[joined.count - 1] = .literal(previous + text)
            } else if case .literal(let text) = part, text.isEmpty {
                continue
            } else {
                joined.append(part)
            }
        }
        return joined
    }
}
