import GatherCore
import GatherFixtures
import Testing

@Suite("vote and object through the real gateway")
struct VoteAndObjectTests {
    private static func replica(_ name: String, _ json: String, latency: Duration = .zero) -> FixtureBackend {
        Backends.backend(name, [FixturePath(path: "/v", body: .bytes(Array(json.utf8)), latency: latency == .zero ? .none : .fixed(latency))])
    }

    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: vote
            match: { method: GET, path: /v }
            deadline: 3s
            upstreams:
              - { name: r1, url: "http://127.0.0.1:\(ports["r1"]!)/v" }
              - { name: r2, url: "http://127.0.0.1:\(ports["r2"]!)/v" }
              - { name: r3, url: "http://127.0.0.1:\(ports["r3"]!)/v" }
            merge: { mode: vote }
        """ }

    @Test("two canonically equal answers win at once; the slow third is cancelled")
    func majorityAnswersEarly() async throws {
        let backends = [
            Self.replica("r1", #"{"a":1,"b":[true,null]}"#),
            Self.replica("r2", #"{"b":[true,null],"a":1.0}"#),
            Self.replica("r3", #"{"a":2}"#, latency: .seconds(2)),
        ]
        try await GatewayHarness.with(backends, routes: Self.routes) { harness in
            let response = await harness.get("/v")
            #expect(response.status == 200)
            #expect(response["/data/a"] == .int(1))
            #expect(response["/votes"] == .object(JSONObject([("agree", .int(2)), ("of", .int(3))])))
            // Cancelled, not ok: the answer left before r3's (2 s later) could arrive. No timed
            // assertion: on a loaded machine the first request alone can take a second.
            #expect(response.upstreamStatus("r3") == "cancelled")
            #expect(response["/partial"] == .bool(false))
        }
    }

    @Test("no value can reach a majority: 502 with the envelope, as soon as that is certain")
    func noMajority() async throws {
        let backends = [
            Self.replica("r1", #"{"a":1}"#),
            Self.replica("r2", #"{"a":2}"#),
            Self.backend503("r3"),
        ]
        try await GatewayHarness.with(backends, routes: Self.routes) { harness in
            let response = await harness.get("/v")
            #expect(response.status == 502)
            #expect(response["/data"] == .null)
            #expect(response["/votes/of"] == .int(3))
            #expect(response.upstreamStatus("r3") == "bad_status")
        }
    }

    private static func backend503(_ name: String) -> FixtureBackend {
        Backends.backend(name, [FixturePath(path: "/v", body: .text("{}"), status: 503)])
    }

    @Test("object: deep merge in route order, a grouped upstream under its key, its value picked by items")
    func objectComposition() async throws {
        let backends = [
            Backends.backend("user", [FixturePath(path: "/u", body: .bytes(Array(#"{"id":7,"name":"Ada","tags":["a"],"meta":{"x":1}}"#.utf8)))]),
            Backends.backend("extra", [FixturePath(path: "/e", body: .bytes(Array(#"{"tags":["b"],"meta":{"y":2}}"#.utf8)))]),
            Backends.backend("orders", [FixturePath(path: "/o", body: .bytes(Array(#"{"orders":[{"id":1}],"total":1}"#.utf8)))]),
        ]
        try await GatewayHarness.with(backends, routes: { ports in """
            routes:
              - name: profile
                match: { method: GET, path: /p }
                deadline: 2s
                upstreams:
                  - { name: user, url: "http://127.0.0.1:\(ports["user"]!)/u" }
                  - { name: extra, url: "http://127.0.0.1:\(ports["extra"]!)/e" }
                  - { name: orders, url: "http://127.0.0.1:\(ports["orders"]!)/o", items: /orders, group: orders }
                merge: { mode: object }
            """ }) { harness in
            let response = await harness.get("/p")
            #expect(response.status == 200)
            #expect(response["/data/name"] == .string("Ada"))
            #expect(response["/data/tags"] == .array([.string("b")]), "arrays are replaced unless append: true")
            #expect(response["/data/meta"] == .object(JSONObject([("x", .int(1)), ("y", .int(2))])))
            #expect(response["/data/orders"] == .array([.object(JSONObject([("id", .int(1))]))]))
        }
    }
}
