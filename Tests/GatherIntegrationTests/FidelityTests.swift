import GatherCore
import GatherFixtures
import Testing

/// The fidelity rule through the real gateway: every value that reaches the client from an
/// upstream is byte for byte what that upstream sent (numbers keep their text, strings their
/// escapes), in every merge mode; only gather's own members and `map`'s renaming are added.
@Suite("upstream values pass through byte for byte")
struct FidelityTests {
    /// Values a tree-decoding gateway rewrites: 2^64-ish ids, exponent spellings, negative zero,
    /// a number beyond Double's range, excess precision, escapes of every kind.
    static let hardValues = [
        "12345678901234567890", "1E6", "-0", "1e400", "1.000000000000000005", "-0.0e-0",
        #""caf\u00e9 \ud83d\ude00 \/ \"q\" \\ \t""#, #""plain""#,
    ]

    /// Three upstreams answering one item each (plus one shared by all), every item holding
    /// every hard value, pretty-printed by one of them.
    static func body(_ upstream: Int, pretty: Bool) -> String {
        let fields = hardValues.enumerated().map { "\"v\($0.offset)\": \($0.element)" }
        let separator = pretty ? ",\n    " : ","
        let own = "{\"id\": \"item-\(upstream)\", \"rank\": \(upstream)\(separator)" + fields.joined(separator: separator) + "}"
        let shared = "{\"id\": \"shared\", \"rank\": 9" + separator + fields.joined(separator: separator) + "}"
        return pretty ? "{\n  \"results\": [\n    \(own),\n    \(shared)\n  ],\n  \"total\": 1e400\n}"
            : "{\"results\":[\(own),\(shared)],\"total\":1E6}"
    }

    static let backends = (0..<3).map { index in
        Backends.backend("u\(index)", [
            FixturePath(path: "/list", body: .bytes(Array(body(index, pretty: index == 1).utf8))),
            FixturePath(path: "/one", body: .bytes(Array(#"{"config":{"limit":12345678901234567890,"ratio":1E6,"name":"\u00e9"}}"#.utf8))),
        ])
    }

    static func routes(_ ports: [String: Int]) -> String {
        func route(_ name: String, path: String, extra: String = "", merge: String?) -> String {
            let upstreams = (0..<3).map {
                "      - { name: u\($0), url: \"http://127.0.0.1:\(ports["u\($0)"]!)\(path)\"\(extra) }"
            }
            return """
              - name: \(name)
                match: { method: GET, path: /\(name) }
                deadline: 2s
            \(merge == nil ? "    complete: first\n" : "")    upstreams:
            \(upstreams.joined(separator: "\n"))
            \(merge.map { "    merge: { \($0) }" } ?? "")
            """
        }
        let list = "items: /results, dedupe: { key: /id }"
        return "routes:\n" + [
            route("concat", path: "/list", merge: "mode: concat, \(list)"),
            route("sort", path: "/list",
                  merge: "mode: sort, \(list), sort: { by: /rank, order: desc }, summary: { top: { max: /total }, low: { min: /total } }"),
            route("fuse", path: "/list", merge: "mode: fuse, \(list), fusion: { method: combsum, score: /rank }"),
            route("object", path: "/list", merge: "mode: object"),
            route("vote", path: "/one", merge: "mode: vote, items: /config"),
            route("first", path: "/list", merge: nil),
            route("mapped", path: "/list", extra: ", map: { big: /v0, exp: /v1, zero: /v2, huge: /v3, text: /v6 }",
                  merge: "mode: concat, items: /results"),
        ].joined(separator: "\n")
    }

    /// Each hard value as it must appear, after a member name.
    static func expectEveryValue(in text: String, _ route: String) {
        for (index, value) in hardValues.enumerated() {
            #expect(text.contains("\"v\(index)\":\(value)"), "\(route): v\(index) = \(value) in \(text.prefix(400))")
        }
    }

    @Test("concat, sort, fuse and object keep every number's text and every string's escapes")
    func listAndObjectModes() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            for route in ["concat", "sort", "fuse", "object"] {
                let response = await harness.get("/\(route)?q=x")
                #expect(response.status == 200, "\(route): \(response.text.prefix(300))")
                Self.expectEveryValue(in: response.text, route)
                #expect(!response.text.contains("\n"), "\(route): answers are compact")
                #expect(response.json != nil || response.text.contains("1e400"), "\(route): valid JSON")
            }
            let sorted = await harness.get("/sort")
            // max and min of 1E6, 1e400 (beyond Double: not a number to compare) and 1E6.
            #expect(sorted.text.contains(#""summary":{"top":1E6,"low":1E6}"#), "\(sorted.text.suffix(300))")
            let fused = await harness.get("/fuse")
            #expect(fused.text.contains(#""_score":"#))
        }
    }

    @Test("vote answers the first agreeing upstream's bytes; first passes the winner's body untouched")
    func voteAndFirst() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let vote = await harness.get("/vote")
            #expect(vote.status == 200)
            #expect(vote.text.hasPrefix(#"{"data":{"limit":12345678901234567890,"ratio":1E6,"name":"\u00e9"}"#), "\(vote.text)")
            let first = await harness.get("/first")
            #expect(first.status == 200)
            let winner = try #require(first.header("Gather-Winner"))
            let index = try #require(Int(winner.dropFirst()))
            #expect(first.text == Self.body(index, pretty: index == 1))
        }
    }

    @Test("map builds items from the values' bytes")
    func mapCopiesValues() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = await harness.get("/mapped")
            #expect(response.status == 200)
            #expect(response.text.contains(
                #"{"big":12345678901234567890,"exp":1E6,"zero":-0,"huge":1e400,"text":"caf\u00e9 \ud83d\ude00 \/ \"q\" \\ \t","_sources":["u0"]}"#),
                "\(response.text.prefix(500))")
        }
    }

    @Test("progressive answers carry the same bytes in every event")
    func serverSentEvents() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let response = await harness.get("/concat", headers: [("Accept", "text/event-stream")])
            #expect(response.status == 200)
            let dataLines = response.text.split(separator: "\n").filter { $0.hasPrefix("data: ") }
            #expect(dataLines.count == 4)
            for line in dataLines { Self.expectEveryValue(in: String(line), "sse") }
        }
    }
}
