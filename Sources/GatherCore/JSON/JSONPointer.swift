import Foundation

/// An RFC 6901 JSON Pointer such as `/results/0/title`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public let tokens: [String]
    /// Compiled once at load: the tokens' UTF-8 one after another (compared with object keys
    /// as bytes, with no array per token to retain on every lookup), where each one is in it,
    /// and each token's value as an RFC 6901 array index, when it is one.
    public let tokenBytes: [UInt8]
    public let tokenRanges: [Range<Int>]
    public let arrayIndices: [Int?]

    /// The whole document (`""`).
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        self.tokens = tokens
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for token in tokens {
            let start = bytes.count
            bytes.append(contentsOf: token.utf8)
            ranges.append(start..<bytes.count)
        }
        self.tokenBytes = bytes
        self.tokenRanges = ranges
        self.arrayIndices = tokens.map(Self.arrayIndex)
    }

    /// Parses `""` or `/a/b~1c`; nil when the text is not a pointer (no leading `/`, or a `~`
    /// not followed by `0` or `1`). Read by Unicode scalar, never by Character: a `/` or `~`
    /// that a combining mark follows is still syntax.
    public init?(_ text: String) {
        if text.isEmpty { self.init(tokens: []); return }
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/" else { return nil }
        var tokens: [String] = []
        var token = String.UnicodeScalarView()
        var position = 1
        while position <= scalars.count {
            if position == scalars.count || scalars[position] == "/" {
                tokens.append(String(token))
                token = String.UnicodeScalarView()
                position += 1
                continue
            }
            let scalar = scalars[position]
            if scalar == "~" {
                guard position + 1 < scalars.count else { return nil }
                switch scalars[position + 1] {
                case "0": token.append("~")
                case "1": token.append("/")
                default: return nil
                }
                position += 2
            } else {
                token.append(scalar)
                position += 1
            }
        }
        self.init(tokens: tokens)
    }

    public var description: String {
        var text = String.UnicodeScalarView()
        for token in tokens {
            text.append("/")
            for scalar in token.unicodeScalars {
                switch scalar {
                case "~": text.append(contentsOf: "~0".unicodeScalars)
                case "/": text.append(contentsOf: "~1".unicodeScalars)
                default: text.append(scalar)
                }
            }
        }
        return String(text)
    }

    /// The value this pointer names in `document`, or nil when any step is missing.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let values):
                guard let index = Self.arrayIndex(token), index < values.count else { return nil }
                current = values[index]
            default:
                return nil
            }
        }
        return current
    }

    /// RFC 6901 array index: digits only, no leading zero unless it is `0`.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if token.count > 1 && token.hasPrefix("0") { return nil }
        return Int(token)
    }
}
