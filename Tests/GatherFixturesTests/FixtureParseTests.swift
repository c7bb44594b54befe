import Foundation
import GatherCore
import Testing
@testable import GatherFixtures

@Suite("Fixture files")
struct FixtureParseTests {
    static let shippedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures").path

    private func parse(_ yaml: String) throws -> [FixtureBackend] {
        try FixtureSet.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/nonexistent")
    }

    /// The error a bad file raises, as `FILE:LINE:COL: message`.
    private func failure(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("every behaviour key is read")
    func fullEntry() throws {
        let backends = try parse("""
        backends:
          - name: engine-a
            port: 9101
            seed: 11
            paths:
              - path: /search
                method: get
                json: { total: 2, results: [ { url: "https://a", score: 0.5 } ], ok: true, none: null }
                status: 203
                content_type: application/vnd.test+json
                latency: { median: 20ms, p99: 120ms }
                error: { rate: 0.05, status: 502 }
                stall: { rate: 0.2, duration: 10s }
                reset: 0.01
                garbage: 0.02
                oversized: { rate: 0.03, bytes: 1MiB }
                drip: { rate: 0.04, chunk: 8, every: 1.5s }
                truncate: 0.06
        """)
        let backend = try #require(backends.first)
        #expect(backend.name == "engine-a" && backend.port == 9101 && backend.seed == 11)
        let path = try #require(backend.paths.first)
        #expect(path.path == "/search")
        #expect(path.method == "GET")
        #expect(path.body == .text(#"{"total":2,"results":[{"url":"https://a","score":0.5}],"ok":true,"none":null}"#))
        #expect(path.status == 203)
        #expect(path.contentType == "application/vnd.test+json")
        #expect(path.latency == .lognormal(median: .milliseconds(20), p99: .milliseconds(120)))
        #expect(path.error == FixtureErrorInjection(rate: 0.05, status: 502))
        #expect(path.stall == FixtureStall(rate: 0.2, duration: .seconds(10)))
        #expect(path.reset == 0.01 && path.garbage == 0.02 && path.truncate == 0.06)
        #expect(path.oversized == FixtureOversized(rate: 0.03, bytes: 1_048_576))
        #expect(path.drip == FixtureDrip(rate: 0.04, chunk: 8, every: .milliseconds(1500)))
        #expect(path.location == SourceLocation(file: "test.yaml", line: 6, column: 9))
    }

    @Test("defaults: any method, 200, JSON, no faults, blocks without rate always fire, seed from name")
    func defaults() throws {
        let backends = try parse("""
        backends:
          - name: quiet
            port: 0
            paths:
              - path: /a
                echo: true
              - path: /b
                text: plain words
                stall: { duration: 1s }
        """)
        let backend = try #require(backends.first)
        // FNV-1a 64 of "quiet", computed by hand from the offset basis and prime.
        #expect(backend.seed == FixtureFileParser.defaultSeed(for: "quiet"))
        #expect(FixtureFileParser.defaultSeed(for: "") == 0xCBF2_9CE4_8422_2325)
        #expect(FixtureFileParser.defaultSeed(for: "a") == 0xAF63_DC4C_8601_EC8C)
        let echo = backend.paths[0], text = backend.paths[1]
        #expect(echo.method == nil && echo.status == 200 && echo.body == .echo && echo.contentType == "application/json")
        #expect(echo.latency == .none && echo.error.rate == 0 && echo.reset == 0)
        #expect(text.body == .text("plain words") && text.contentType == "text/plain; charset=utf-8")
        #expect(text.stall == FixtureStall(rate: 1, duration: .seconds(1)))
    }

    @Test("bad files fail with FILE:LINE:COL", arguments: [
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: 1\n        retry: 3\n",
         "test.yaml:7:9: unknown key 'retry'"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: 1\n        reset: 1.5\n",
         "test.yaml:7:16: reset must be between 0 and 1"),
        ("backends:\n  - name: a\n    port: 70000\n    paths: []\n", "test.yaml:3:11: port must be between 0 and 65535"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: 1\n        latency: soon\n",
         "test.yaml:7:18: latency must be a duration"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        body: missing.json\n",
         "test.yaml:6:15: cannot read body file 'missing.json'"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: 1\n        text: two\n",
         "test.yaml:5:9: a path needs exactly one of body, json, text, echo or enrich"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: [1, 2\n",
         "test.yaml:7:1: invalid YAML"),
        ("backends:\n  - name: a\n    port: 1\n    paths: [{path: /x, json: 1}]\n  - name: a\n    port: 2\n    paths: [{path: /y, json: 1}]\n",
         "test.yaml:5:5: duplicate backend name 'a'"),
        ("backends:\n  - name: a\n    port: 1\n    paths:\n      - path: /x\n        json: 1\n        latency: { median: 50ms, p99: 10ms }\n",
         "test.yaml:7:39: latency p99 must not be below the median"),
        ("backends:\n  - name: a\n    port: 1\n    tls: { cert: none.pem, key: none.key }\n    paths: [{path: /x, json: 1}]\n",
         "test.yaml:4:18: cannot read tls.cert file 'none.pem'"),
        ("backends:\n  - name: a\n    port: 1\n    tls: { cert: a.pem }\n    paths: [{path: /x, json: 1}]\n",
         "test.yaml:4:10: tls needs 'cert' and 'key' (missing 'key')"),
    ])
    func locatedErrors(yaml: String, expectedPrefix: String) {
        let message = failure(yaml)
        #expect(message?.hasPrefix(expectedPrefix) == true, "got: \(message ?? "no error")")
    }

    @Test("an empty file and a missing folder are reported with their names")
    func emptyAndMissing() {
        #expect(failure("") == "test.yaml: empty fixture file: expected a 'backends:' list")
        #expect(throws: FixtureLoadError.self) { try FixtureSet.load(directory: "/nonexistent/fixtures") }
    }

    @Test("two backends on one fixed port are rejected")
    func portClash() {
        let set = FixtureSet(backends: [
            FixtureBackend(name: "a", port: 9999, paths: [FixturePath(path: "/", body: .echo)]),
            FixtureBackend(name: "b", port: 9999, paths: [FixturePath(path: "/", body: .echo)]),
        ])
        #expect(throws: FixtureLoadError.self) { try set.validate() }
    }

    @Test("all shipped fixtures load with the documented backends and ports")
    func shippedFixturesLoad() throws {
        let set = try FixtureSet.load(directory: Self.shippedDirectory)
        let ports = Dictionary(uniqueKeysWithValues: set.backends.map { ($0.name, $0.port) })
        #expect(ports == [
            "engine-a": 9101, "engine-b": 9102, "engine-c": 9103, "shop-a": 9201, "shop-b": 9202, "shop-c": 9203,
            "profile": 9301, "orders": 9302, "orgs": 9303, "region-eu": 9401, "region-us": 9402, "chaos": 9501,
            "replica-1": 9601, "replica-2": 9602, "replica-3": 9603, "live-prices": 9701, "enricher": 9702, "warehouse": 9801,
        ])
        let warehouse = try #require(set.backends.first { $0.name == "warehouse" })
        #expect(warehouse.tls?.certificatePath.hasSuffix("fixtures/tls/demo-backend.pem") == true)
        #expect(set.backends.filter { $0.tls != nil }.map(\.name) == ["warehouse"])
        let chaos = try #require(set.backends.first { $0.name == "chaos" })
        #expect(Set(chaos.paths.map(\.path)) == ["/reset", "/garbage", "/huge", "/truncate", "/drip", "/error", "/notjson", "/echo"])
        #expect(chaos.paths.first { $0.path == "/huge" }?.oversized == FixtureOversized(rate: 1, bytes: 16 * 1024 * 1024))
    }

    @Test("shipped search engines return 20 results each with about a third of URLs shared after normalisation")
    func searchBodiesOverlap() throws {
        let set = try FixtureSet.load(directory: Self.shippedDirectory)
        func urls(_ name: String) throws -> Set<String> {
            let backend = try #require(set.backends.first { $0.name == name })
            guard case let .bytes(bytes)? = backend.paths.first(where: { $0.path == "/search" })?.body else {
                Issue.record("no canned /search body for \(name)")
                return []
            }
            let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            let results = try #require(document["results"] as? [[String: Any]])
            #expect(results.count == 20)
            return Set(results.compactMap { ($0["url"] as? String).map(Self.normalise) })
        }
        let a = try urls("engine-a"), b = try urls("engine-b"), c = try urls("engine-c")
        #expect(a.intersection(b).count == 7)
        #expect(a.intersection(c).count == 7)
        #expect(b.intersection(c).count == 7)
    }

    /// The contract's `normalize: url`, done crudely for this check only.
    static func normalise(_ url: String) -> String {
        var text = url.lowercased()
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        text = text.replacingOccurrences(of: "://www.", with: "://").replacingOccurrences(of: ":443/", with: "/")
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

@Suite("Fixture enrich bodies")
struct FixtureEnrichTests {
    @Test("enrich adds members to the items of an array body, or of each array in an object body")
    func enrichesItems() throws {
        let add = JSONObject([("tier", .string("gold"))])
        let array = FixtureEcho.enriched(Array(#"[{"id":1},2]"#.utf8), adding: add)
        #expect(String(decoding: array, as: UTF8.self) == #"[{"id":1,"tier":"gold"},2]"#)
        let wrapped = FixtureEcho.enriched(Array(#"{"records":[{"id":1,"tier":"x"}],"n":1}"#.utf8), adding: add)
        #expect(String(decoding: wrapped, as: UTF8.self) == #"{"records":[{"id":1,"tier":"gold"}],"n":1}"#)
        let bad = FixtureEcho.enriched(Array("nope".utf8), adding: add)
        #expect(String(decoding: bad, as: UTF8.self) == #"{"error":"enrich: the request body is not JSON"}"#)
    }
}
