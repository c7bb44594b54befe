import GatherCore
import GatherServer
import Logging
import Testing

@Suite("What the startup and reload lines say about routes")
struct RouteLogFieldsTests {
    private func routes(_ text: String) throws -> [Route] {
        let parsed = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        try #require(parsed.errors.isEmpty, "\(parsed.errors)")
        return parsed.routes
    }

    private static let two = """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 250ms
            upstreams:
              - { name: alpha, url: "http://127.0.0.1:1/a" }
              - { name: beta, url: "http://127.0.0.1:1/b" }
            merge: { mode: concat }
          - name: item
            match: { method: GET, path: "/items/{id}" }
            deadline: 1s
            complete: first
            upstreams:
              - { name: shard, shards: 12, url: "http://127.0.0.1:1/{shard}" }
        """

    @Test("counts and names; one line per route with match, rule, merge and upstream names")
    func summaryAndRoute() throws {
        let loaded = try routes(Self.two)
        #expect(RouteLogFields.summary(loaded) == ["count": "2", "routes": "search,item", "upstreams": "14"])
        #expect(RouteLogFields.route(loaded[0]) == [
            "route": "search", "match": "GET /search", "complete": "all", "deadline_ms": "250",
            "upstreams": "alpha,beta", "merge": "concat",
        ])
        let shards = RouteLogFields.route(loaded[1])
        #expect(shards["merge"] == nil, "complete: first merges nothing")
        #expect(shards["upstreams"] == "shard-0,shard-1,shard-2,shard-3,shard-4,shard-5,shard-6,shard-7,shard-8,shard-9,…(+2)")
    }

    @Test("a reload names the routes added and removed")
    func changes() throws {
        let before = try routes(Self.two)
        let after = try routes("""
            routes:
              - name: search
                match: { method: GET, path: /search }
                deadline: 250ms
                upstreams: [ { name: alpha, url: "http://127.0.0.1:1/a" } ]
                merge: { mode: concat }
              - name: fresh
                match: { method: GET, path: /fresh }
                deadline: 250ms
                upstreams: [ { name: alpha, url: "http://127.0.0.1:1/a" } ]
                merge: { mode: concat }
            """)
        #expect(RouteLogFields.changes(from: before, to: after) == ["added": "fresh", "removed": "item"])
        #expect(RouteLogFields.changes(from: after, to: after).isEmpty)
    }
}
