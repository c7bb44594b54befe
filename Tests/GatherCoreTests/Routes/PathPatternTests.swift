import Foundation
import Testing
@testable import GatherCore

struct PathPatternTests {
    @Test(arguments: [
        ("/users/{id}", "/users/42", ["id": "42"]),
        ("/users/{id}", "/users/a%2Fb", ["id": "a/b"]),
        ("/users/{id}", "/users/%E6%97%A5", ["id": "日"]),
        ("/users/{id}", "/users/a+b", ["id": "a+b"]),
        ("/users/{id}/orders/{order}", "/users/7/orders/x.y", ["id": "7", "order": "x.y"]),
        ("/search", "/search", [:]),
        ("/x/", "/x/", [:]),
        ("/", "/", [:]),
    ] as [(String, String, [String: String])])
    func matches(pattern: String, path: String, params: [String: String]) throws {
        let parsed = try #require(PathPattern(pattern))
        #expect(parsed.match(Substring(path)) == params)
    }

    @Test(arguments: [
        ("/users/{id}", "/users/"),
        ("/users/{id}", "/users"),
        ("/users/{id}", "/users/42/"),
        ("/users/{id}", "/users/4/2"),
        ("/users/{id}", "/users/%zz"),
        ("/users/{id}", "/users/%FF"),
        ("/users/{id}", "users/42"),
        ("/search", "/search/"),
        ("/search", "/Search"),
        ("/search", "/sea%72ch"),
        ("/x/", "/x"),
        ("/", ""),
        ("/", "//"),
    ])
    func doesNotMatch(pattern: String, path: String) throws {
        let parsed = try #require(PathPattern(pattern))
        #expect(parsed.match(Substring(path)) == nil)
    }

    @Test(arguments: [
        ("users", "path must start with '/'"),
        ("", "path must start with '/'"),
        ("/a//b", "path has an empty segment ('//')"),
        ("/a/{}", "invalid path parameter '{}': names use letters, digits, '_' and '-'"),
        ("/a/x{id}", "a path parameter must be a whole segment, like /files/{name}"),
        ("/a/{id}/{id}", "path parameter '{id}' appears twice"),
        ("/a/{i d}", "invalid path parameter '{i d}': names use letters, digits, '_' and '-'"),
        ("/a/..", "path cannot hold '.' or '..' segments"),
        ("/a b", "path holds a character that must be percent-encoded (or a '?' or '#')"),
        ("/a?x=1", "path holds a character that must be percent-encoded (or a '?' or '#')"),
    ])
    func invalidPatterns(pattern: String, message: String) {
        #expect(throws: TemplateSyntaxError(message)) { try PathPattern(parsing: pattern) }
        #expect(PathPattern(pattern) == nil)
    }

    @Test func shapeIgnoresParameterNames() throws {
        #expect(try #require(PathPattern("/users/{id}/x")).shape == "/users/{}/x")
        #expect(try #require(PathPattern("/users/{uid}/x")).shape == "/users/{}/x")
        #expect(try #require(PathPattern("/users/{id}")).parameterNames == ["id"])
    }
}

struct RouteTableTests {
    private func route(_ name: String, _ method: String, _ path: String) throws -> Route {
        let upstream = UpstreamSpec(name: "a", url: try URLTemplate(parsing: "http://h/"), timeout: .seconds(1))
        return Route(name: name, method: method, path: try #require(PathPattern(path)), deadline: .seconds(1),
                     upstreams: [upstream], location: SourceLocation(file: "t", line: 1, column: 1))
    }

    private func table() throws -> RouteTable {
        RouteTable(routes: [
            try route("by-kind", "GET", "/{kind}/me"),
            try route("by-id", "GET", "/users/{id}"),
            try route("me", "GET", "/users/me"),
            try route("update", "POST", "/users/{id}"),
            try route("first", "GET", "/items/{a}"),
            try route("second", "GET", "/items/{b}"),
        ])
    }

    @Test(arguments: [
        ("GET", "/users/me", "me", [:]),
        ("GET", "/users/42", "by-id", ["id": "42"]),
        ("POST", "/users/me", "update", ["id": "me"]),
        ("GET", "/groups/me", "by-kind", ["kind": "groups"]),
        ("GET", "/items/1", "first", ["a": "1"]),
    ] as [(String, String, String, [String: String])])
    func literalSegmentsWinLeftToRight(method: String, path: String, name: String, params: [String: String]) throws {
        let found = try #require(try table().match(method: method, path: Substring(path)))
        #expect(found.route.name == name)
        #expect(found.params == params)
    }

    @Test func noMatchAndAllowedMethods() throws {
        let table = try table()
        #expect(table.match(method: "DELETE", path: "/users/1") == nil)
        #expect(table.match(method: "GET", path: "/nothing") == nil)
        #expect(table.match(method: "get", path: "/users/1") == nil)
        #expect(table.allowsPath("/users/1") == ["GET", "POST"])
        #expect(table.allowsPath("/users/me") == ["GET", "POST"])
        #expect(table.allowsPath("/nothing") == [])
    }
}

/// The byte-wise walk that `match` takes for ASCII paths must answer exactly as the split into
/// Characters does, on every pattern and path: both are run on generated pairs.
struct PathPatternASCIIWalkTests {
    private static let patterns = ["/", "/x/", "/search", "/users/{id}", "/users/{id}/orders/{order}", "/a/{b}/",
                                   "/{a}", "/{a}/{b}", "/files/{name}/raw"]
    private static let pieces = ["", "/", "//", "users", "x", "a", "search", "orders", "raw", "files", "42", "%2F",
                                 "%E6%97%A5", "%ZZ", "%C3", "a+b", "x.y", "?", "\r\n", "users/7"]

    @Test func agreesWithTheSplitOnGeneratedPaths() throws {
        var random = SplitMixGenerator(seed: 0x9A7B)
        var matched = 0
        for text in Self.patterns {
            let pattern = try #require(PathPattern(text))
            for _ in 0..<400 {
                var path = Int.random(in: 0..<8, using: &random) == 0 ? "" : "/"
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    path += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)]
                    if Bool.random(using: &random) { path += "/" }
                }
                let walked = pattern.matchASCII(Substring(path))
                #expect(walked == pattern.matchSplitting(Substring(path)), "\(text) on \(path)")
                #expect(walked == pattern.match(Substring(path)))
                if walked != nil { matched += 1 }
            }
            // The literal paths themselves, and with a parameter filled in.
            let filled = text.replacingOccurrences(of: "{a}", with: "v").replacingOccurrences(of: "{b}", with: "w")
                .replacingOccurrences(of: "{id}", with: "7").replacingOccurrences(of: "{order}", with: "9")
                .replacingOccurrences(of: "{name}", with: "n")
            #expect(pattern.matchASCII(Substring(filled)) != nil, "\(text) on \(filled)")
            #expect(pattern.matchASCII(Substring(filled)) == pattern.matchSplitting(Substring(filled)))
        }
        // Generated paths that match exist, so the comparison covers both answers.
        #expect(matched > 0)
    }

    @Test func nonASCIIPathsStillMatch() throws {
        let pattern = try #require(PathPattern("/users/{id}"))
        #expect(pattern.match("/users/日") == ["id": "日"])
        #expect(pattern.match("/users/日/x") == nil)
    }
}
