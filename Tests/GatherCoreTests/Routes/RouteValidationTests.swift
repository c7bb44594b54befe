import Foundation
import Testing
@testable import GatherCore

/// Each problem is reported at its exact place. The base route below is valid; each case
/// appends lines (from line 8) or replaces text in it.
struct RouteValidationTests {
    static let base = """
    routes:
      - name: r
        match: { method: GET, path: "/users/{id}" }
        deadline: 100ms
        upstreams:
          - name: a
            url: http://127.0.0.1:9101/u/{path.id}
    """

    private func errors(_ text: String, environment: [String: String] = [:]) -> [String] {
        RouteLoader.parse(text: text, file: "t.yaml", environment: environment).errors.map(\.description)
    }

    @Test func baseIsValid() {
        let result = RouteLoader.parse(text: Self.base, file: "t.yaml", environment: [:])
        #expect(result.errors.isEmpty)
        #expect(result.routes.count == 1)
    }

    @Test(arguments: [
        ("    timeuot: 5ms",
         "t.yaml:8:5: unknown key 'timeuot' in route; allowed keys: name, match, deadline, complete, quorum, min_ok, forward_headers, max_parallel, upstreams, merge, tls, http, max_connections, cache, coalesce"),
        ("        timeuot: 5ms",
         "t.yaml:8:9: unknown key 'timeuot' in upstream; allowed keys: name, url, shards, timeout, items, map, weight, headers, hedge, replicas, retry, idempotent, max_in_flight, circuit, max_body, group, tls, http, max_connections, cache, coalesce, needs, required, each"),
        ("        timeout: 200ms", "t.yaml:8:18: timeout 200ms is above the route's deadline 100ms"),
        ("        timeout: 0ms", "t.yaml:8:18: timeout must be above 0"),
        ("        timeout: 200", "t.yaml:8:18: timeout must be a duration such as 250ms, 1.5s or 2m (units: us, ms, s, m), found '200'"),
        ("    max_parallel: lots", "t.yaml:8:19: max_parallel must be an integer from 1 to 1000000, found 'lots'"),
        ("    max_parallel: \"32\"", "t.yaml:8:19: max_parallel must be an integer from 1 to 1000000, found the string '32'"),
        ("    max_parallel: [1]", "t.yaml:8:19: max_parallel must be an integer from 1 to 1000000, found a list"),
        ("    complete: quorum\n    quorum: 3", "t.yaml:9:13: quorum 3 is more than the 1 upstream(s) of this route"),
        ("    complete: quorum", "t.yaml:8:15: complete: quorum needs quorum: K or a percentage such as 66%"),
        ("    complete: some", "t.yaml:8:15: complete must be one of all | quorum | first, found 'some'"),
        ("    quorum: 1", "t.yaml:8:13: quorum only applies with complete: quorum or merge mode vote"),
        ("    quorum: 0\n    complete: quorum", "t.yaml:8:13: quorum must be a count of at least 1 or a percentage such as 66%, found '0'"),
        ("    min_ok: 2", "t.yaml:8:13: min_ok 2 is more than the 1 upstream(s) of this route"),
        ("    min_ok: 150%", "t.yaml:8:13: min_ok must be a count of at least 0 or a percentage such as 66%, found '150%'"),
        ("        hedge: { after: 100ms }", "t.yaml:8:25: hedge.after 100ms must be below the route's deadline 100ms"),
        ("        hedge: { after: 10ms, max: 11 }", "t.yaml:8:36: hedge.max must be an integer from 0 to 10, found 11"),
        ("        hedge: { after: 10ms, max: -1 }", "t.yaml:8:36: hedge.max must be an integer from 0 to 10, found -1"),
        ("        hedge: { after: p0 }", "t.yaml:8:25: hedge.after percentile must be p followed by a number above 0 and at most 100, found 'p0'"),
        ("        hedge: { max: 2 }", "t.yaml:8:16: hedge is missing required key 'after'"),
        ("        items: results", "t.yaml:8:16: items must be a JSON pointer such as /results (RFC 6901), found 'results'"),
        ("        map: { title: name~2 }", "t.yaml:8:23: map.title must be a JSON pointer such as /results (RFC 6901), found 'name~2'"),
        ("        shards: 3", "t.yaml:8:17: shards needs {shard} in the url to tell the shards apart"),
        ("        shards: 0", "t.yaml:8:17: shards must be an integer from 1 to 10000, found 0"),
        ("        weight: -1\n    merge: { mode: fuse }", "t.yaml:8:17: weight must be a number of at least 0, found -1"),
        ("        weight: 2", "t.yaml:8:9: weight is only used by merge mode fuse"),
        ("        map: { t: /x }\n    merge: { mode: object }", "t.yaml:8:9: map is only used by the list modes (concat, sort, fuse)"),
        ("        map: { t: /x }\n    merge: { mode: vote }", "t.yaml:8:9: map is only used by the list modes (concat, sort, fuse)"),
        ("        items: /r\n    complete: first", "t.yaml:8:9: items is not used with complete: first, which answers with the winner's body as it is"),
        ("        map: { t: /x }\n    complete: first", "t.yaml:8:9: map is not used with complete: first, which answers with the winner's body as it is"),
        ("    complete: first\n    merge: { mode: concat }", "t.yaml:9:5: merge is not used with complete: first, which answers with the winner's body as it is"),
        ("        max_body: 8", "t.yaml:8:19: max_body must be a size such as 100B, 64KB, 512KiB or 8MiB (units: B, KB, MB, GB, KiB, MiB, GiB), found '8'"),
        ("        retry: { attempts: 2, on: [error, 404] }", "t.yaml:8:43: retry.on entry must be one of error | timeout | 5xx | 429, found '404'"),
        ("        idempotent: yes", "t.yaml:8:21: idempotent must be true or false, found 'yes'"),
        ("        idempotent: \"true\"", "t.yaml:8:21: idempotent must be true or false, found 'true'"),
        ("        retry: { attempts: 0 }", "t.yaml:8:28: retry.attempts must be an integer from 1 to 10, found 0"),
        ("        circuit: { failures: 5, cooldown: 0s }", "t.yaml:8:43: circuit.cooldown must be above 0"),
        ("        headers: { X-Key: \"${NOPE}\" }", "t.yaml:8:27: environment variable NOPE is not set (write ${NOPE:-default} to give a default)"),
        ("        headers: { Content-Length: \"1\" }", "t.yaml:8:20: header 'Content-Length' is managed by the gateway and cannot be set"),
        ("        headers: { traceparent: \"x\" }", "t.yaml:8:20: header 'traceparent' is set by the gateway on every attempt (tracing) and cannot be set"),
        ("        headers: { X-Request-Id: \"r\" }", "t.yaml:8:20: header 'X-Request-Id' is set by the gateway on every attempt (tracing) and cannot be set"),
        ("        headers: { A: x, a: y }", "t.yaml:8:26: header 'a' is set twice (header names ignore case)"),
        ("        headers: { X-Id: \"{path.uid}\" }", "t.yaml:8:26: headers.X-Id uses {path.uid} but match.path '/users/{id}' has no {uid}"),
        ("        group: g", "t.yaml:8:16: group is only used by merge mode object"),
        ("      - name: a\n        url: http://h/x", "t.yaml:8:15: duplicate upstream name 'a' (first at line 6, column 15)"),
        ("      - name: b", "t.yaml:8:9: upstream is missing required key 'url'"),
        ("    forward_headers: [Connection]", "t.yaml:8:23: header 'Connection' belongs to the connection and cannot be forwarded"),
        ("    forward_headers: Accept", "t.yaml:8:22: forward_headers must be a list, found 'Accept'"),
        ("    merge: { mode: sort }", "t.yaml:8:20: merge mode sort needs sort.by (a pointer to the sort key)"),
        ("    merge: { mode: sort, sort: { order: desc } }", "t.yaml:8:32: sort is missing required key 'by'"),
        ("    merge: { mode: fuse, fusion: { method: combsum } }", "t.yaml:8:44: fusion method combsum needs fusion.score (a pointer to each item's score)"),
        ("    merge: { mode: fuse, fusion: { method: combmnz } }", "t.yaml:8:44: fusion method combmnz needs fusion.score (a pointer to each item's score)"),
        ("    merge: { mode: fuse, fusion: { method: max } }", "t.yaml:8:44: fusion method max needs fusion.score (a pointer to each item's score)"),
        ("    merge: { limit: 0 }", "t.yaml:8:21: limit must be an integer of at least 1, found 0"),
        ("    merge: { mode: object, limit: 5 }", "t.yaml:8:28: limit is only used by the list modes (concat, sort, fuse)"),
        ("    merge: { mode: concat, fusion: { k: 1 } }", "t.yaml:8:28: fusion is only used by merge mode fuse"),
        ("    merge: { mode: blend }", "t.yaml:8:20: merge.mode must be one of concat | sort | fuse | object | vote, found 'blend'"),
        ("    merge: { provenance: yes }", "t.yaml:8:26: provenance must be true or false, found 'yes'"),
        ("    merge:\n      summary: { total: { total: /n } }", "t.yaml:9:27: unknown summary reducer 'total'; use one of sum, min, max, avg, count"),
    ])
    func appendedLine(lines: String, expected: String) {
        #expect(errors(Self.base + "\n" + lines) == [expected])
    }

    @Test(arguments: [
        ("name: r", "name: Search", "t.yaml:2:11: route name 'Search' must use only a-z, 0-9, '_' and '-'"),
        ("name: a", "name: a.b", "t.yaml:6:15: upstream name 'a.b' must use only a-z, 0-9, '_' and '-'"),
        ("deadline: 100ms", "deadline: 0ms", "t.yaml:4:15: deadline must be above 0"),
        ("    deadline: 100ms\n", "", "t.yaml:2:5: route is missing required key 'deadline'"),
        ("method: GET", "method: FETCH", "t.yaml:3:22: match.method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, found 'FETCH'"),
        ("\"/users/{id}\"", "\"users/{id}\"", "t.yaml:3:33: match.path 'users/{id}': path must start with '/'"),
        ("\"/users/{id}\"", "\"/x\"", "t.yaml:7:14: url uses {path.id} but match.path '/x' has no {id}"),
        ("http://127.0.0.1:9101", "ftp://127.0.0.1:9101", "t.yaml:7:14: url: upstream url must start with http:// or https://"),
        ("http://127.0.0.1:9101", "http://", "t.yaml:7:14: url: upstream url has no host"),
        ("http://127.0.0.1:9101", "http://{header.host}", "t.yaml:7:14: url: upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("{path.id}", "{shard}", "t.yaml:7:14: url uses {shard} but the upstream has no shards:"),
        ("{path.id}", "{cookie.id}", "t.yaml:7:14: url: unknown template source 'cookie' in {cookie.id}: use {query.NAME}, {path.NAME}, {header.NAME}, {from.UPSTREAM/POINTER}, {item/POINTER} or {shard}"),
        ("{path.id}", "{path.id", "t.yaml:7:14: url: unclosed '{' in template (write '{{' for a literal brace)"),
        ("    upstreams:\n      - name: a\n        url: http://127.0.0.1:9101/u/{path.id}", "    upstreams: []",
         "t.yaml:5:16: upstreams must list at least one upstream"),
        ("{path.id}", "{path.id}\n  - 7", "t.yaml:8:5: route must be a mapping, found '7'"),
        ("deadline: 100ms", "deadline: [100ms", "t.yaml:5:14: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 4, column 15); inside [ ] or { } quote any value that holds '{', '}', '[', ']' or ','"),
        ("    deadline: 100ms", "    deadline: 100ms\n    deadline: 200ms", "t.yaml:4:5: duplicate key 'deadline' in a mapping"),
    ])
    func replacedText(old: String, new: String, expected: String) {
        let text = Self.base.replacingOccurrences(of: old, with: new)
        #expect(text != Self.base)
        #expect(errors(text) == [expected])
    }

    @Test func severalErrorsAtOnceSortedByPlace() {
        let text = """
        routes:
          - name: Bad
            match: { method: GET, path: /x }
            deadline: 50ms
            bogus: 1
            upstreams:
              - name: a
                url: http://h/{path.id}
                timeout: 1s
              - name: b
                url: http://h/b
                hedge: { after: 60ms, max: 12 }
          - name: ok
            match: { path: /ok }
            deadline: 1s
            upstreams: [{ name: z, url: "http://h/${MISSING}" }]
            merge: { mode: sort }
        """
        #expect(errors(text) == [
            "t.yaml:2:11: route name 'Bad' must use only a-z, 0-9, '_' and '-'",
            "t.yaml:5:5: unknown key 'bogus' in route; allowed keys: name, match, deadline, complete, quorum, min_ok, forward_headers, max_parallel, upstreams, merge, tls, http, max_connections, cache, coalesce",
            "t.yaml:8:14: url uses {path.id} but match.path '/x' has no {id}",
            "t.yaml:9:18: timeout 1s is above the route's deadline 50ms",
            "t.yaml:12:25: hedge.after 60ms must be below the route's deadline 50ms",
            "t.yaml:12:36: hedge.max must be an integer from 0 to 10, found 12",
            "t.yaml:16:33: environment variable MISSING is not set (write ${MISSING:-default} to give a default)",
            "t.yaml:17:20: merge mode sort needs sort.by (a pointer to the sort key)",
        ])
    }

    @Test func duplicatesAcrossRoutes() {
        let text = """
        routes:
          - { name: one, match: { path: "/u/{id}" }, deadline: 1s, upstreams: [{ name: a, url: "http://h/" }] }
          - { name: one, match: { path: /other }, deadline: 1s, upstreams: [{ name: a, url: "http://h/" }] }
          - { name: two, match: { path: "/u/{uid}" }, deadline: 1s, upstreams: [{ name: a, url: "http://h/" }] }
          - { name: three, match: { method: POST, path: "/u/{uid}" }, deadline: 1s, upstreams: [{ name: a, url: "http://h/" }] }
        """
        #expect(errors(text) == [
            "t.yaml:3:5: duplicate route name 'one' (first defined at t.yaml:2:5)",
            "t.yaml:4:5: route 'two' matches GET /u/{uid} like route 'one' (t.yaml:2:5)",
        ])
    }

    @Test func environmentExpansion() throws {
        let text = """
        routes:
          - name: env
            match: { path: /e }
            deadline: ${DEADLINE:-300ms}
            max_parallel: ${PAR}
            upstreams:
              - name: a
                url: http://${HOST:-localhost}:${PORT}/s?k=$${literal}&q={query.q}
                headers: { X-Price: "$5", X-Tok: "${EMPTY:-fallback}" }
        """
        let result = RouteLoader.parse(text: text, file: "e.yaml",
                                       environment: ["PAR": "8", "PORT": "9200", "EMPTY": ""])
        #expect(result.errors.map(\.description) == [])
        let route = try #require(result.routes.first)
        #expect(route.deadline == .milliseconds(300))
        #expect(route.maxParallel == 8)
        let upstream = try #require(route.upstreams.first)
        #expect(upstream.url.source == "http://${HOST:-localhost}:${PORT}/s?k=$${literal}&q={query.q}")
        #expect(try upstream.url.render(TemplateValues(query: ["q": "1"])).get()
            == "http://localhost:9200/s?k=${literal}&q=1")
        #expect(try upstream.headers.map { try $0.value.render(TemplateValues()).get() } == ["$5", "fallback"])

        let bad = RouteLoader.parse(text: text, file: "e.yaml", environment: ["PAR": "x"]).errors.map(\.description)
        #expect(bad == [
            "e.yaml:5:19: max_parallel must be an integer from 1 to 1000000, found 'x'",
            "e.yaml:8:14: environment variable PORT is not set (write ${PORT:-default} to give a default)",
        ])
    }

    @Test(arguments: [
        ("plain", [TemplateSourceText.Piece.written("plain")]),
        ("", [.written("")]),
        ("$5 and $", [.written("$5 and $")]),
        ("a$${", [.written("a"), .substituted("${")]),
        ("$${X}y", [.substituted("${X}"), .written("y")]),
        ("<${A}${B:-b}>", [.written("<"), .substituted("1"), .substituted("b"), .written(">")]),
    ])
    func environmentPieces(text: String, pieces: [TemplateSourceText.Piece]) throws {
        let expanded = try EnvironmentExpander.expand(text, environment: ["A": "1", "B": ""]).get()
        #expect(expanded == TemplateSourceText(pieces))
    }

    @Test func invalidEnvironmentReferences() {
        let text = Self.base.replacingOccurrences(of: "http://127.0.0.1:9101/u/{path.id}", with: "http://${1X}/u/{path.id}${OPEN")
        #expect(errors(text) == [
            "t.yaml:7:14: invalid environment reference '${1X}': write ${NAME} or ${NAME:-default}",
            "t.yaml:7:14: unclosed '${' (write '$${' for a literal '${')",
        ])
    }

    @Test func wrongTopLevelKey() {
        #expect(errors(Self.base.replacingOccurrences(of: "routes:", with: "route:")) == [
            "t.yaml:1:1: unknown key 'route' in route file; allowed keys: routes",
            "t.yaml:1:1: route file is missing required key 'routes'",
        ])
    }

    @Test func emptyFile() {
        #expect(errors("") == ["t.yaml:1:1: route file is empty: expected 'routes:' with a list of routes"])
        #expect(errors("routes: []") == [])
        #expect(errors("routes: 3") == ["t.yaml:1:9: routes must be a list, found '3'"])
    }
}
