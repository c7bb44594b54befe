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
