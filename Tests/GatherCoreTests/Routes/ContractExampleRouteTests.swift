import Foundation
import Testing
@testable import GatherCore

/// The contract's full example route. Three lines differ from the contract, because the
/// example lists every key at once and some of them contradict its own rules or YAML:
/// `complete: quorum` (the contract's `quorum: 2` only applies with it or with vote),
/// `sort:` is left out (it is only read by mode sort, and this route fuses), and the replica
/// URL is quoted (unquoted, its `{` starts a mapping inside `[ ]`, which is invalid YAML).
struct ContractExampleRouteTests {
    static let example = """
    routes:
      - name: search                      # unique, [a-z0-9_-]+
        match: { method: GET, path: /search }   # path may hold {param} segments: /users/{id}
        deadline: 250ms                   # whole fan-out budget; units ms|s
        complete: quorum                  # all | quorum | first
        quorum: 2                         # K or "66%": with complete: quorum (and vote)
        min_ok: 1                         # fewest successes for a 200; K or "95%"; default 1 (quorum: K)
        forward_headers: [Accept-Language]   # allowlist of client headers sent upstream; default none
        max_parallel: 32                  # upstream attempts one request runs at once (large fan-outs)
        upstreams:
          - name: alpha                   # unique in the route
            url: http://127.0.0.1:9101/search?q={query.q}
            timeout: 200ms                # per attempt; default = deadline
            items: /results               # RFC 6901 pointer to the array to merge (list modes)
            map: { title: /name, price: /pricing/amount }   # optional: build each item from pointers
            weight: 1.0                   # for fusion
            headers: { Authorization: "Bearer ${ALPHA_TOKEN}" }   # ${ENV} expanded at load
            hedge: { after: 40ms, max: 1 }   # backup attempt after 40ms without an answer;
                                          # after: p95 = adaptive, from this upstream's live latency;
                                          # budget: 2% = hedges at most 2% of primary attempts
            replicas: ["http://127.0.0.1:9111/search?q={query.q}"]  # primary by P2C; hedges/retries to another
            retry: { attempts: 2, on: [error, timeout, 5xx, 429], backoff: 10ms, budget: 10% }
            max_in_flight: 64             # per upstream; past it: wait while the deadline allows, else skipped
            circuit: { failures: 5, cooldown: 5s }   # open after 5 consecutive failures: skipped
            max_body: 8MiB                # larger answer: status too_large
          - name: shard                   # one block, many upstreams: shard-0 … shard-199,
            shards: 200                   # {shard} in the url is the index
            url: http://index.internal:9200/shard/{shard}/search?q={query.q}
        merge:
          mode: fuse                      # concat | sort | fuse | object | vote   (complete: first needs none)
          items: /results                 # default pointer for all upstreams
          dedupe: { key: /url, normalize: url }   # normalize: none | lower | url
          fusion: { method: rrf, k: 60, score: /score }   # rrf | combsum | combmnz | max
          limit: 20
          provenance: true                # add "_sources" to each item (default true)
          summary:                        # any mode: reduce values over the ok upstreams' bodies
            total_hits: { sum: /total }   # sum | min | max | avg | count, pointer into each body
            cheapest:   { min: /offers/0/price }
    """

    private func loadExample() throws -> Route {
        let result = RouteLoader.parse(text: Self.example, file: "routes/search.yaml",
                                       environment: ["ALPHA_TOKEN": "s3cret"])
        #expect(result.errors.map(\.description) == [])
        #expect(result.routes.count == 1)
        return try #require(result.routes.first)
    }

    @Test func routeFields() throws {
        let route = try loadExample()
        #expect(route.name == "search")
        #expect(route.method == "GET")
        #expect(route.path.source == "/search")
        #expect(route.deadline == .milliseconds(250))
        #expect(route.complete == .quorum)
        #expect(route.quorum == .count(2))
        #expect(route.minOK == .count(1))
        #expect(route.quorumCount == 2)
        #expect(route.requiredSuccesses == 1)
        #expect(route.forwardHeaders == ["accept-language"])
        #expect(route.maxParallel == 32)
        #expect(route.location == SourceLocation(file: "routes/search.yaml", line: 2, column: 5))
        #expect(route.upstreams.count == 201)
        #expect(route.upstreams.map(\.name).prefix(4) == ["alpha", "shard-0", "shard-1", "shard-2"])
        #expect(route.upstreams.last?.name == "shard-199")
    }

    @Test func alphaFields() throws {
        let alpha = try #require(try loadExample().upstreams.first)
        #expect(alpha.url.source == "http://127.0.0.1:9101/search?q={query.q}")
        #expect(alpha.url.references == [TemplateReference(kind: .query, name: "q")])
        #expect(try alpha.url.render(TemplateValues(query: ["q": "red shoes"])).get()
            == "http://127.0.0.1:9101/search?q=red%20shoes")
        #expect(alpha.replicas.map(\.source) == ["http://127.0.0.1:9111/search?q={query.q}"])
        #expect(alpha.timeout == .milliseconds(200))
        #expect(alpha.items == JSONPointer("/results"))
        #expect(alpha.map == [FieldMapping(field: "title", pointer: JSONPointer(tokens: ["name"])),
                              FieldMapping(field: "price", pointer: JSONPointer(tokens: ["pricing", "amount"]))])
        #expect(alpha.weight == 1.0)
        #expect(alpha.headers.count == 1)
        #expect(alpha.headers.first?.name == "Authorization")
        #expect(alpha.headers.first?.value.source == "Bearer ${ALPHA_TOKEN}")
        #expect(try alpha.headers.first?.value.render(TemplateValues()).get() == "Bearer s3cret")
        #expect(alpha.hedge == HedgeSpec(after: .fixed(.milliseconds(40)), max: 1, budget: nil))
        #expect(alpha.retry == RetrySpec(attempts: 2, on: [.error, .timeout, .status5xx, .status429],
                                         backoff: .milliseconds(10), budget: 0.1))
        #expect(alpha.maxInFlight == 64)
        #expect(alpha.circuit == CircuitSpec(failures: 5, cooldown: .seconds(5)))
        #expect(alpha.maxBody == 8 * 1024 * 1024)
        #expect(alpha.group == nil)
        #expect(alpha.shardIndex == nil)
        #expect(alpha.location == SourceLocation(file: "routes/search.yaml", line: 11, column: 15))
    }

    @Test func shardsAreExpanded() throws {
        let shards = Array(try loadExample().upstreams.dropFirst())
        let shard7 = shards[7]
        #expect(shard7.name == "shard-7")
        #expect(shard7.shardIndex == 7)
        #expect(shard7.url.source == "http://index.internal:9200/shard/7/search?q={query.q}")
        #expect(shard7.url.references == [TemplateReference(kind: .query, name: "q")])
        #expect(try shard7.url.render(TemplateValues(query: ["q": "a&b"])).get()
            == "http://index.internal:9200/shard/7/search?q=a%26b")
        #expect(shard7.timeout == .milliseconds(250))
        #expect(shard7.items == JSONPointer("/results"))
        #expect(shard7.map.isEmpty)
        #expect(shard7.weight == 1)
        #expect(shard7.headers.isEmpty)
        #expect(shard7.hedge == nil)
        #expect(shard7.retry == nil)
        #expect(shard7.maxInFlight == nil)
        #expect(shard7.circuit == nil)
        #expect(shard7.maxBody == 8_388_608)
        #expect(shard7.replicas.isEmpty)
        #expect(shards.map(\.shardIndex) == Array(0..<200).map { Optional($0) })
    }

    @Test func mergeFields() throws {
        let merge = try loadExample().merge
        #expect(merge == MergeSpec(
            mode: .fuse,
            items: JSONPointer("/results"),
            dedupe: DedupeSpec(key: JSONPointer(tokens: ["url"]), normalize: .url),
            sort: nil,
            fusion: FusionSpec(method: .rrf, k: 60, score: JSONPointer(tokens: ["score"])),
            limit: 20,
            provenance: true,
            append: false,
            summary: [SummarySpec(name: "total_hits", reducer: .sum, pointer: JSONPointer(tokens: ["total"])),
                      SummarySpec(name: "cheapest", reducer: .min, pointer: JSONPointer(tokens: ["offers", "0", "price"]))]))
    }

    @Test func defaultsOfAMinimalRoute() throws {
        let text = """
        routes:
          - name: tiny
            match: { path: /t }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://h/t" }
        """
        let result = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        #expect(result.errors.isEmpty)
        let route = try #require(result.routes.first)
        #expect(route.method == "GET")
        #expect(route.complete == .all)
        #expect(route.quorum == nil && route.minOK == nil && route.quorumCount == nil)
        #expect(route.requiredSuccesses == 1)
        #expect(route.forwardHeaders.isEmpty && route.maxParallel == nil)
        #expect(route.merge == MergeSpec(mode: .concat, provenance: true))
        let upstream = try #require(route.upstreams.first)
        #expect(upstream.timeout == .seconds(1) && upstream.weight == 1 && upstream.maxBody == 8_388_608)
        #expect(upstream.items == nil)
    }

    @Test func otherForms() throws {
        let text = """
        routes:
          - name: vote
            match: { method: post, path: "/v/{id}" }
            deadline: 1.5s
            min_ok: 50%
            upstreams:
              - name: a
                url: http://h/a/{path.id}
                hedge: { after: p99.9, max: 3, budget: 2% }
                retry: { attempts: 3 }
                circuit: {}
                group: ignored_by_vote
              - { name: b, url: "http://h/b", headers: { X-Id: "{path.id}" } }
              - { name: c, url: "http://h/c", max_body: 512KiB, weight: 2 }
              - { name: d, url: "http://h/d" }
            merge: { mode: vote }
        """
        let result = RouteLoader.parse(text: text, file: "v.yaml", environment: [:])
        #expect(result.errors.map(\.description) == [
            "v.yaml:12:16: group is only used by merge mode object",
            "v.yaml:14:57: weight is only used by merge mode fuse",
        ])
        let fixed = text.replacingOccurrences(of: "        group: ignored_by_vote\n", with: "")
            .replacingOccurrences(of: ", weight: 2", with: "")
        let route = try #require(RouteLoader.parse(text: fixed, file: "v.yaml", environment: [:]).routes.first)
        #expect(route.method == "POST")
        #expect(route.deadline == .milliseconds(1500))
        #expect(route.quorumCount == 3)            // a majority of 4
        #expect(route.requiredSuccesses == 2)      // 50% of 4
        let a = route.upstreams[0]
        #expect(a.hedge == HedgeSpec(after: .percentile(99.9), max: 3, budget: 0.02))
        #expect(a.retry == RetrySpec(attempts: 3, on: [.error, .timeout, .status5xx], backoff: .zero, budget: nil))
        #expect(a.circuit == CircuitSpec(failures: 5, cooldown: .seconds(5)))
        #expect(try route.upstreams[1].headers[0].value.render(TemplateValues(path: ["id": "x\ny"])).get() == "x%0Ay")
        #expect(route.upstreams[2].maxBody == 524_288)
        #expect(route.upstreams[2].weight == 1)
    }
}
