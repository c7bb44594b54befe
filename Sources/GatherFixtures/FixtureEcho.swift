import Foundation
import GatherCore
import NIOHTTP1

/// Builds the JSON an `echo: true` path answers: the request as the fixture received it.
enum FixtureEcho {
    static func body(head: HTTPRequestHead, body: [UInt8]) -> [UInt8] {
        let (path, query) = FixtureEcho.split(uri: head.uri)
        var headers = JSONObject()
        for (name, value) in head.headers {
            let key = name.lowercased()
            // Repeated headers fold the way HTTP allows (RFC 9110 §5.3).
            if case let .string(earlier)? = headers[key] {
                headers[key] = .string(earlier + ", " + value)
            } else {
                headers[key] = .string(value)
            }
        }
        let document = JSONObject([
            ("method", .string(head.method.rawValue)),
            ("uri", .string(head.uri)),
            ("path", .string(path)),
            ("query", .string(query)),
            ("params", .object(params(query))),
            ("version", .string("HTTP/\(head.version.major).\(head.version.minor)")),
            ("headers", .object(headers)),
            ("body", .string(String(decoding: body, as: UTF8.self))),
        ])
        return JSONValue.object(document).serialized()
    }

    /// Path and raw query (without `?`, fragment dropped).
    static func split(uri: String) -> (path: String, query: String) {
        let withoutFragment = uri.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard let mark = withoutFragment.firstIndex(of: "?") else { return (withoutFragment, "") }
        return (String(withoutFragment[..<mark]), String(withoutFragment[withoutFragment.index(after: mark)...]))
    }

    /// Decoded query parameters; the first of repeated names wins, as most frameworks do.
    static func params(_ query: String) -> JSONObject {
        var object = JSONObject()
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if object[name] == nil { object[name] = .string(value) }
        }
        return object
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension FixtureEcho {
    /// `enrich:`: the request body with `members` added to each object item (see `FixtureBody.enrich`);
    /// a body that is not JSON is answered `{"error": …}`.
    static func enriched(_ body: [UInt8], adding members: JSONObject) -> [UInt8] {
        func enrich(_ items: [JSONValue]) -> JSONValue {
            .array(items.map { item in
                guard case .object(var object) = item else { return item }
                for (key, value) in members.members { object[key] = value }
                return .object(object)
            })
        }
        guard let value = try? JSONParser.parse(body) else {
            return JSONValue.object(JSONObject([("error", .string("enrich: the request body is not JSON"))])).serialized()
        }
        switch value {
        case .array(let items):
            return enrich(items).serialized()
        case .object(var object):
            for (key, member) in object.members {
                if case .array(let items) = member { object[key] = enrich(items) }
            }
            return JSONValue.object(object).serialized()
        default:
            return value.serialized()
        }
    }
}
