import Testing
@testable import GatherCore

/// `cache:` and `coalesce:` on upstreams and routes, and their errors at their places.
struct CacheRouteParsingTests {
    private func parse(_ text: String) -> (routes: [Route], errors: [String]) {
        let result = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        return (result.routes, result.errors.map(\.description))
    }

    private func route(upstream: String, route extra: String = "") -> String {
        """
        routes:
          - name: r
            match: { path: /s }
            deadline: 100ms
        \(extra)    upstreams:
              - name: a
                url: http://127.0.0.1:9101/s
        \(upstream)      - name: b
                url: http://127.0.0.1:9102/s

        """
    }

    @Test func upstreamCacheAndItsDefaults() throws {
        let parsed = parse(route(upstream: "        cache: { ttl: 30s, stale: 10m, max_size: 1MiB }\n"))
        #expect(parsed.errors.isEmpty)
        let upstreams = try #require(parsed.routes.first?.upstreams)
        #expect(upstreams[0].cache == CacheSpec(ttl: .seconds(30), stale: .seconds(600), maxSize: 1 << 20))
        #expect(upstreams[0].coalesce, "coalescing comes with a cache")
        #expect(upstreams[1].cache == nil && !upstreams[1].coalesce)
        let defaults = parse(route(upstream: "        cache: { ttl: 5s }\n")).routes.first?.upstreams[0].cache
        #expect(defaults == CacheSpec(ttl: .seconds(5), stale: .zero, maxSize: 64 << 20))
    }

    @Test func routeDefaultAppliesUnlessAnUpstreamTurnsItOff() throws {
        let parsed = parse(route(upstream: "        cache: off\n", route: "    cache: { ttl: 1s }\n    coalesce: true\n"))
        #expect(parsed.errors.isEmpty)
        let upstreams = try #require(parsed.routes.first?.upstreams)
        #expect(upstreams[0].cache == nil)
        #expect(upstreams[0].coalesce, "the route's coalesce: true still holds")
        #expect(upstreams[1].cache == CacheSpec(ttl: .seconds(1)))
    }

    @Test func coalesceAlone() throws {
        let upstreams = try #require(parse(route(upstream: "        coalesce: true\n")).routes.first?.upstreams)
        #expect(upstreams[0].coalesce && upstreams[0].cache == nil)
        let off = try #require(parse(route(upstream: "        cache: { ttl: 1s }\n        coalesce: false\n")).routes.first)
        #expect(!off.upstreams[0].coalesce && off.upstreams[0].cache != nil)
    }

    @Test(arguments: [
        ("        cache: { stale: 1m }\n", "t.yaml:8:16: cache is missing required key 'ttl'"),
        ("        cache: { ttl: 0s }\n", "t.yaml:8:23: cache.ttl must be above 0"),
        ("        cache: { ttl: 1s, size: 1MiB }\n", "t.yaml:8:27: unknown key 'size' in cache; allowed keys: ttl, stale, max_size"),
        ("        cache: { ttl: 1s, max_size: 1KiB }\n", "t.yaml:8:37: cache.max_size must be at least 64KiB"),
        ("        cache: { ttl: 1s, max_size: lots }\n", "t.yaml:8:37: cache.max_size must be a size such as 100B, 64KB, 512KiB or 8MiB (units: B, KB, MB, GB, KiB, MiB, GiB), found 'lots'"),
        ("        cache: { ttl: soon }\n", "t.yaml:8:23: cache.ttl must be a duration such as 250ms, 1.5s or 2m (units: us, ms, s, m), found 'soon'"),
        ("        cache: yes\n", "t.yaml:8:16: cache must be a mapping such as { ttl: 30s, stale: 10m, max_size: 64MiB }, or off, found 'yes'"),
        ("        coalesce: 1\n", "t.yaml:8:19: coalesce must be true or false, found '1'"),
    ])
    func errorsAreLocated(line: String, expected: String) {
        #expect(parse(route(upstream: line)).errors == [expected])
    }

    @Test("a map is not cached: cache on it is a located error, and the route's default skips it")
    func mapsAreNotCached() throws {
        let text = """
        routes:
          - name: r
            match: { method: POST, path: /s }
            deadline: 100ms
            cache: { ttl: 1s }
            upstreams:
              - name: each
                url: http://127.0.0.1:9101/e/{item/id}
                each: { from: body, items: /records }
              - name: map2
                url: http://127.0.0.1:9101/f/{item/id}
                each: { from: body, items: /records }
                cache: { ttl: 5s }
        """
        let parsed = parse(text)
        #expect(parsed.errors == ["t.yaml:13:9: a map (each:) is not cached: its calls are sent every time"])
        let fixed = parse(text.replacingOccurrences(of: "\n        cache: { ttl: 5s }", with: ""))
        #expect(fixed.errors.isEmpty)
        let upstreams = try #require(fixed.routes.first?.upstreams)
        #expect(upstreams.allSatisfy { $0.cache == nil && !$0.coalesce })
    }
}
