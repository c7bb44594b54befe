import GatherCore
import GatherTestSupport
import Testing

/// The caches seen and driven from the admin listener, and kept across a reload.
@Suite("Upstream cache: metrics, /upstreams, purge, reload")
struct UpstreamCacheAdminTests {
    private static let placeholder = [Backends.fast("unused", urls: ["https://unused.example/1"])]

    private static func routes(port: Int, ttl: String = "30s", extra: String = "") -> String {
        """
        routes:
          - name: cached
            match: { method: GET, path: /cached }
            deadline: 2s
            upstreams:
              - name: a
                url: "http://127.0.0.1:\(port)/a?q={query.q}"
                cache: { ttl: \(ttl), stale: 10m, max_size: 1MiB }
              - name: b
                url: "http://127.0.0.1:\(port)/b?q={query.q}"\(extra)
                cache: { ttl: 30s }
            merge: { mode: object }
        """
    }

    private static func parse(_ text: String) throws -> [Route] {
        let parsed = RouteLoader.parse(text: text, file: "reload.yaml", environment: [:])
        guard parsed.errors.isEmpty else { throw HarnessError(description: "\(parsed.errors)") }
        return parsed.routes
    }

    @Test("metrics and /upstreams count hits and misses; purge empties; a second request after it is a miss")
    func metricsUpstreamsAndPurge() async throws {
        let backend = try await TestUpstream.start()
        defer { Task { await backend.stop() } }
        try await AdminTestbed.with(Self.placeholder, routes: { _ in Self.routes(port: backend.port) }) { bed in
            _ = await bed.gateway.get("/cached?q=1")
            let hit = await bed.gateway.get("/cached?q=1")
            #expect(hit["/upstreams/a/cache"] == .string("hit"))
            #expect(backend.requests.count == 2)

            let metrics = await bed.admin.get("/metrics").text
            #expect(metrics.contains(#"gather_upstream_cache_total{route="cached",upstream="a",result="hit"} 1"#))
            #expect(metrics.contains(#"gather_upstream_cache_total{route="cached",upstream="a",result="miss"} 1"#))
            #expect(metrics.contains(#"gather_upstream_cache_entries{route="cached",upstream="a"} 1"#))
            #expect(metrics.contains(#"gather_upstream_cache_evictions_total{route="cached",upstream="a"} 0"#))
            #expect(metrics.contains(#"gather_upstream_cache_bytes{route="cached",upstream="a"} "#))

            let upstreams = await bed.admin.get("/upstreams")
            #expect(upstreams["/routes/0/upstreams/0/cache/entries"] == .int(1))
            #expect(upstreams["/routes/0/upstreams/0/attempts"] == .int(1), "the hit is not an attempt: nothing was sent")
            #expect(upstreams["/routes/0/upstreams/0/in_flight"] == .int(0))
            #expect(upstreams["/routes/0/upstreams/0/cache/hit_rate"] == .double(0.5))
            #expect(upstreams["/routes/0/upstreams/0/cache/max_size"] == .int(1 << 20))
            #expect(upstreams["/routes/0/upstreams/0/cache/results/hit"] == .int(1))
            let page = await bed.admin.get("/").text
            #expect(page.contains("50% hits · 1 entries"))

            let wrongMethod = await bed.admin.get("/cache/purge")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
            let unknown = await bed.admin.request("POST", "/cache/purge?upstream=zz")
            #expect(unknown.status == 404)
            let one = await bed.admin.request("POST", "/cache/purge?upstream=a")
            #expect(one.status == 200)
            #expect(one["/purged/caches"] == .int(1))
            #expect(one["/purged/entries"] == .int(1))
            let afterOne = await bed.gateway.get("/cached?q=1")
            #expect(afterOne["/upstreams/a/cache"] == .string("miss"))
            #expect(afterOne["/upstreams/b/cache"] == .string("hit"), "only a was purged")
            let all = await bed.admin.request("POST", "/cache/purge")
            #expect(all["/purged/caches"] == .int(2))
            let afterAll = await bed.gateway.get("/cached?q=1")
            #expect(afterAll["/upstreams/a/cache"] == .string("miss"))
            #expect(afterAll["/upstreams/b/cache"] == .string("miss"))
            #expect(backend.requests.count == 5)
        }
    }

    @Test("a reload keeps the entries of unchanged upstreams and drops those of changed ones")
    func reloadKeepsUnchangedEntries() async throws {
        let backend = try await TestUpstream.start()
        defer { Task { await backend.stop() } }
        try await AdminTestbed.with(Self.placeholder, routes: { _ in Self.routes(port: backend.port) }) { bed in
            _ = await bed.gateway.get("/cached?q=1")
            #expect(backend.requests.count == 2)
            // b's url changes; a stays as it was.
            bed.server.reload(routes: try Self.parse(Self.routes(port: backend.port, extra: "\n        timeout: 1s")))
            let same = await bed.gateway.get("/cached?q=1")
            #expect(same["/upstreams/a/cache"] == .string("hit"), "a did not change: its entry survived the reload")
            #expect(same["/upstreams/b/cache"] == .string("hit"), "a timeout does not change what is stored")
            bed.server.reload(routes: try Self.parse(Self.routes(port: backend.port, ttl: "10s")))
            let changed = await bed.gateway.get("/cached?q=1")
            #expect(changed["/upstreams/a/cache"] == .string("miss"), "a's cache block changed: it starts empty")
            #expect(changed["/upstreams/b/cache"] == .string("hit"))
            #expect(backend.requests.count == 3)
        }
    }

    @Test("the shards of one block share one cache, exported and purged under the block's name")
    func shardsShareOneCache() async throws {
        let backend = try await TestUpstream.start()
        defer { Task { await backend.stop() } }
        try await AdminTestbed.with(Self.placeholder, routes: { _ in """
            routes:
              - name: sharded
                match: { method: GET, path: /sharded }
                deadline: 2s
                upstreams:
                  - name: s
                    shards: 3
                    url: "http://127.0.0.1:\(backend.port)/s/{shard}"
                    cache: { ttl: 30s }
                merge: { mode: object }
            """ }) { bed in
            _ = await bed.gateway.get("/sharded")
            let hit = await bed.gateway.get("/sharded")
            #expect(hit["/upstreams/s-2/cache"] == .string("hit"))
            #expect(backend.requests.count == 3)
            let metrics = await bed.admin.get("/metrics").text
            #expect(metrics.contains(#"gather_upstream_cache_entries{route="sharded",upstream="s"} 3"#))
            #expect(metrics.contains(#"gather_upstream_cache_total{route="sharded",upstream="s",result="hit"} 3"#))
            #expect(!metrics.contains(#"gather_upstream_cache_entries{route="sharded",upstream="s-0"}"#))
            let purged = await bed.admin.request("POST", "/cache/purge?upstream=s")
            #expect(purged["/purged/caches"] == .int(1))
            #expect(purged["/purged/entries"] == .int(3))
        }
    }
}
