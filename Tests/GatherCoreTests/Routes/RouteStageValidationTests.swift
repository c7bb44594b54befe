import Testing
@testable import GatherCore

/// Bad plans (`needs:`, `{from.…}`, `required:`) fail the load at their exact place.
struct RouteStageValidationTests {
    /// Upstream `a` first, then the lines given (from line 8).
    static func route(_ lines: String, complete: String = "") -> String {
        """
        routes:
          - name: r
            match: { method: GET, path: "/users/{id}" }
            deadline: 100ms\(complete)
            upstreams:
              - name: a
                url: http://127.0.0.1:9101/u/{path.id}
        \(lines)
        """
    }

    private func errors(_ text: String) -> [String] {
        RouteLoader.parse(text: text, file: "t.yaml", environment: [:]).errors.map(\.description)
    }

    @Test func aDependentRouteLoadsWithItsNeedsAndDepth() throws {
        let text = Self.route("""
              - name: b
                url: http://127.0.0.1:9102/orgs/{from.a/org/id}?x={from.a/flag}
                required: true
              - name: c
                url: http://127.0.0.1:9103/c
                needs: [b, a]
        """)
        let parsed = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        #expect(parsed.errors.isEmpty)
        let route = try #require(parsed.routes.first)
        #expect(route.upstreams[1].stage.needs == ["a"])
        #expect(route.upstreams[1].stage.required)
        #expect(route.upstreams[2].stage.needs == ["b", "a"])
        #expect(route.needIndices == [[], [0], [1, 0]])
        #expect(route.stageDepth == 3)
        #expect(route.upstreams[1].url.references.contains(.from("a", JSONPointer("/org/id")!)))
    }

    @Test(arguments: [
        ("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.x/id}
        """, "t.yaml:9:14: upstream 'b' needs 'x', which is not an upstream of this route"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                needs: [a, zz]
        """, "t.yaml:10:20: upstream 'b' needs 'zz', which is not an upstream of this route"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.c/id}
                needs: [a]
              - name: c
                url: http://127.0.0.1:9103/c
        """, "t.yaml:9:14: {from.c/id} reads upstream 'c', which is not a dependency: add it to needs: [a]"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.a/id~2}
        """, "t.yaml:9:14: url: invalid JSON pointer '/id~2' in {from.a/id~2} (RFC 6901: '/' between tokens, '~0' for '~', '~1' for '/')"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.B/id}
        """, "t.yaml:9:14: url: {from.B/id} must name an upstream (a-z, 0-9, '_', '-') then a JSON pointer: {from.UPSTREAM/POINTER}"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.b/id}
        """, "t.yaml:9:14: {from.b/id}: an upstream cannot read its own answer"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                needs: [c]
              - name: c
                url: http://127.0.0.1:9103/c/{from.b/id}
        """, "t.yaml:10:17: dependency cycle: b → c → b (needs and {from.…} placeholders must form no loop)"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                needs: [a, a]
        """, "t.yaml:10:20: needs lists 'a' twice"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                needs: []
        """, "t.yaml:10:16: needs must list at least one upstream (or be left out)"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                required: yes please
        """, "t.yaml:10:19: required must be true or false, found 'yes please'"),
        ("""
              - name: b
                url: http://{from.a/host}/o
        """, "t.yaml:9:14: url: upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("""
              - name: b
                url: http://127.0.0.1:9102/o
                headers: { X-Org: "{from.q/id}" }
        """, "t.yaml:10:18: upstream 'b' needs 'q', which is not an upstream of this route"),
    ])
    func badPlansAreLocated(lines: String, expected: String) {
        #expect(errors(Self.route(lines)) == [expected])
    }

    @Test func aShardsBlockIsNamedByItsShards() {
        let text = Self.route("""
              - name: s
                shards: 2
                url: http://127.0.0.1:9102/s/{shard}
              - name: b
                url: http://127.0.0.1:9103/b
                needs: [s]
        """)
        #expect(errors(text) == ["t.yaml:13:17: upstream 'b' needs 's', which is not an upstream of this route (a shards block's upstreams are named s-0, s-1, …)"])
    }

    @Test func completeFirstCannotHaveStagesOrRequiredUpstreams() {
        let staged = Self.route("""
              - name: b
                url: http://127.0.0.1:9102/o/{from.a/id}
        """, complete: "\n    complete: first")
        #expect(errors(staged) == ["t.yaml:5:15: complete: first answers with the first upstream to succeed; an upstream with needs (or {from.…}) would never be sent"])
        let required = Self.route("""
              - name: b
                url: http://127.0.0.1:9102/o
                required: true
        """, complete: "\n    complete: first")
        #expect(errors(required) == ["t.yaml:5:15: complete: first answers with the first upstream to succeed; required: true would be ignored"])
    }

    @Test func aLongChainLoadsWithoutDeepRecursion() {
        var lines = ""
        for index in 1..<300 {
            lines += "      - { name: u\(index), url: \"http://127.0.0.1:9102/x/{from.\(index == 1 ? "a" : "u\(index - 1)")/id}\" }\n"
        }
        let parsed = RouteLoader.parse(text: Self.route(lines), file: "t.yaml", environment: [:])
        #expect(parsed.errors.isEmpty)
        #expect(parsed.routes.first?.stageDepth == 300)
    }
}

/// Maps (`each:`) fail the load at their exact place too.
struct RouteMapValidationTests {
    private static func route(method: String = "POST", mode: String = "concat", _ lines: String) -> String {
        """
        routes:
          - name: r
            match: { method: \(method), path: "/r" }
            deadline: 100ms
            upstreams:
              - name: a
                url: http://127.0.0.1:9101/a
        \(lines)
            merge: { mode: \(mode) }
        """
    }

    private func errors(_ text: String) -> [String] {
        RouteLoader.parse(text: text, file: "t.yaml", environment: [:]).errors.map(\.description)
    }

    @Test func aMapLoadsAndNeedsItsSource() throws {
        let parsed = RouteLoader.parse(text: Self.route("""
              - name: p
                url: http://127.0.0.1:9102/p/{item/sku}
                each: { from: a, items: /results, attach: price }
        """), file: "t.yaml", environment: [:])
        #expect(parsed.errors.isEmpty)
        let map = try #require(parsed.routes.first?.upstreams[1])
        #expect(map.stage.needs == ["a"])
        #expect(map.stage.each == MapSpec(from: .upstream("a"), items: JSONPointer("/results")!, attach: "price"))
    }

    @Test(arguments: [
        ("""
              - name: p
                url: http://127.0.0.1:9102/p/{item/sku}
        """, "t.yaml:9:14: {item/…} reads the current item of a map: the upstream needs each:"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p/{item/sku}
                each: { from: body, items: /r, batch: 10 }
        """, "t.yaml:9:14: {item/…} reads one item; with each.batch 10 a call carries many (they are its body)"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: body, items: /r, wrap: records }
        """, "t.yaml:10:46: each.wrap names the key a batch goes under: it needs each.batch above 1"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: body, items: /r, batch: 5, attach: x }
        """, "t.yaml:10:58: each.attach puts one call's answer into the item that produced it: it needs each.batch 1"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: zz, items: /r }
        """, "t.yaml:10:15: upstream 'p' needs 'zz', which is not an upstream of this route"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: body, items: r }
        """, "t.yaml:10:36: each.items must be a JSON pointer such as /results (RFC 6901), found 'r'"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: body, items: /r, batch: 0 }
        """, "t.yaml:10:47: each.batch must be an integer from 1 to 10000, found 0"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: body, items: /r }
              - name: q
                url: http://127.0.0.1:9103/q/{from.p/x}
        """, "t.yaml:12:14: upstream 'q' needs 'p', a map (each:): reading a map's answers is not supported"),
        ("""
              - name: p
                url: http://127.0.0.1:9102/p
                required: true
                each: { from: body, items: /r }
        """, "t.yaml:8:15: upstream 'p' has each: and required: true; a map's calls count toward min_ok (e.g. min_ok: 95%) instead"),
    ])
    func badMapsAreLocated(lines: String, expected: String) {
        #expect(errors(Self.route(lines)) == [expected])
    }

    @Test func mapsNeedAListModeAndABodyForBatches() {
        let map = """
              - name: p
                url: http://127.0.0.1:9102/p
                each: { from: a, items: /r, batch: 5 }
        """
        #expect(errors(Self.route(mode: "object", map)) == ["t.yaml:8:15: upstream 'p' has each:, which needs a list merge mode (concat, sort or fuse) and a rule other than first"])
        #expect(errors(Self.route(method: "GET", map)) == ["t.yaml:8:15: upstream 'p' sends batches of 5 items as the request body: match.method must be POST, PUT or PATCH, not GET"])
    }
}
