import Foundation
import GatherCore
import GatherTestSupport
import NIOCore
import Testing

/// Maps (`each:`) through the real gateway, measured at the upstream.
@Suite("stages: maps over a collection")
struct MapTests {
    private static func with(_ answer: @escaping @Sendable (String) -> (body: String, delay: Duration)?,
                             routes: @escaping (Int) -> String,
                             _ body: (GatewayHarness, TestUpstream) async throws -> Void) async throws {
        let backend = try await TestUpstream.start(routing: answer)
        do {
            try await GatewayHarness.with([], routes: { _ in routes(backend.port) }) { harness in
                try await body(harness, backend)
            }
        } catch {
            await backend.stop()
            throw error
        }
        await backend.stop()
    }

    private static func records(_ count: Int) -> String {
        "{\"records\":[" + (0..<count).map { "{\"id\":\($0),\"big\":1234567890123456789012}" }.joined(separator: ",") + "]}"
    }

    @Test("500 items in batches of 25 under max_parallel 8: 20 calls, never more than 8 in flight at the upstream, records in order")
    func batchesUnderMaxParallel() async throws {
        try await Self.with({ path in
            // Each call is held 300ms, so that the 8 the gateway may send at once overlap at the
            // upstream also on a loaded machine (held 40ms, one parallel run here saw only 6).
            path == "/enrich" ? (#"{"records":[{"batch":true}]}"#, .milliseconds(300)) : nil
        }, routes: { port in """
            routes:
              - name: enrich
                match: { method: POST, path: /enrich }
                deadline: 5s
                max_parallel: 8
                upstreams:
                  - name: enrich
                    url: "http://127.0.0.1:\(port)/enrich"
                    items: /records
                    each: { from: body, items: /records, batch: 25, wrap: records }
                merge: { mode: concat, provenance: false }
            """ }) { harness, backend in
            let response = await harness.client.request("POST", "/enrich", headers: [("Content-Type", "application/json")],
                                                        body: Array(Self.records(500).utf8))
            #expect(response.status == 200)
            #expect(response["/items"]?.arrayValue?.count == 20)
            let hits = backend.requests
            #expect(hits.count == 20)
            // Bounded and used: 8 at once, never 9.
            #expect(backend.peakInFlight == 8)
            // Each call's body is its 25 records, wrapped, bytes as sent, in item order.
            let first = try #require(hits.first { $0.body.contains("\"id\":0,") })
            #expect(first.body.hasPrefix(#"{"records":[{"id":0,"big":1234567890123456789012},"#))
            for hit in hits {
                let parsed = try JSONParser.parse(Array(hit.body.utf8))
                #expect(parsed.objectValue?["records"]?.arrayValue?.count == 25)
            }
            let ids = Set(hits.compactMap { hit -> Int? in
                guard case .int(let id)? = (try? JSONParser.parse(Array(hit.body.utf8)))?.objectValue?["records"]?.arrayValue?.first?.objectValue?["id"] else { return nil }
                return Int(id)
            })
            #expect(ids == Set(stride(from: 0, to: 500, by: 25)))
            // A map of 20 calls is folded in the envelope: counts per status, failed indexes.
            #expect(response["/upstreams/enrich/calls"] == .int(20))
            #expect(response["/upstreams/enrich/statuses/ok"] == .int(20))
            #expect(response["/upstreams/enrich/failed"] == .array([]))
            #expect(response["/upstreams/enrich/attempts"] == .int(20))
        }
    }

    @Test("a map's calls share the upstream's max_in_flight: they wait for a place, never more than 2 at the upstream")
    func callsShareMaxInFlight() async throws {
        try await Self.with({ path in
            // Held 200ms so that two calls overlap at the upstream also on a loaded machine.
            path.hasPrefix("/r/") ? (#"{"list":[1]}"#, .milliseconds(200)) : nil
        }, routes: { port in """
            routes:
              - name: each
                match: { method: POST, path: /each }
                deadline: 3s
                upstreams:
                  - name: r
                    url: "http://127.0.0.1:\(port)/r/{item/id}"
                    items: /list
                    max_in_flight: 2
                    each: { from: body, items: /ids }
                merge: { mode: concat, provenance: false }
            """ }) { harness, backend in
            let response = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                        body: Self.ids((0..<6).map { "ok\($0)" }))
            #expect(response.status == 200)
            #expect(response["/items"]?.arrayValue?.count == 6)
            #expect(backend.requests.count == 6)
            #expect(backend.peakInFlight == 2)
        }
    }

    private static let itemRoutes: @Sendable (Int) -> String = { port in """
        routes:
          - name: each
            match: { method: POST, path: /each }
            deadline: 2s
            min_ok: 95%
            upstreams:
              - name: r
                url: "http://127.0.0.1:\(port)/r/{item/id}"
                items: /list
                each: { from: body, items: /ids }
            merge: { mode: concat, provenance: false }
        """ }

    private static func ids(_ ids: [String]) -> [UInt8] {
        Array(("{\"ids\":[" + ids.map { "{\"id\":\"\($0)\"}" }.joined(separator: ",") + "]}").utf8)
    }

    private static let itemAnswers: @Sendable (String) -> (body: String, delay: Duration)? = { path in
        path.hasPrefix("/r/ok") ? ("{\"list\":[\"\(path.dropFirst(3))\"]}", .zero) : nil
    }

    @Test("min_ok: 95% counts a map's calls: 19 of 20 is a partial 200, 18 of 20 a 502; items keep item order")
    func minOKOverCalls() async throws {
        try await Self.with(Self.itemAnswers, routes: Self.itemRoutes) { harness, backend in
            let oneBad = (0..<20).map { $0 == 7 ? "bad" : "ok\($0)" }
            let partial = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                       body: Self.ids(oneBad))
            #expect(partial.status == 200)
            #expect(partial["/partial"] == .bool(true))
            #expect(partial["/items"] == .array(oneBad.filter { $0 != "bad" }.map { .string($0) }))
            // 20 calls are folded: a count per status and the failed indexes.
            #expect(partial["/upstreams/r/status"] == .string("bad_status"))
            #expect(partial["/upstreams/r/calls"] == .int(20))
            #expect(partial["/upstreams/r/statuses/ok"] == .int(19))
            #expect(partial["/upstreams/r/statuses/bad_status"] == .int(1))
            #expect(partial["/upstreams/r/failed"] == .array([.int(7)]))
            #expect(partial["/upstreams/r/count"] == .int(19))
            #expect(partial.header("Server-Timing")?.hasPrefix("r;dur=") == true)
            let twoBad = (0..<20).map { $0 == 3 || $0 == 11 ? "bad" : "ok\($0)" }
            let failed = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                      body: Self.ids(twoBad))
            #expect(failed.status == 502)
            #expect(backend.requests.filter { $0.uri.hasPrefix("/r/") }.count == 40)
        }
    }

    @Test("an empty array calls nothing and is ok; a body that is not JSON skips the map with the reason")
    func emptyAndBadSources() async throws {
        try await Self.with(Self.itemAnswers, routes: Self.itemRoutes) { harness, backend in
            let empty = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                     body: Array(#"{"ids":[]}"#.utf8))
            #expect(empty.status == 200)
            #expect(empty["/items"] == .array([]))
            #expect(empty.upstreamStatus("r") == "ok")
            let bad = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                   body: Array("not json".utf8))
            #expect(bad.status == 502)
            #expect(bad.upstreamStatus("r") == "skipped")
            #expect(bad["/upstreams/r/error"] == .string("each: the request body is not JSON"))
            let missing = await harness.client.request("POST", "/each", headers: [("Content-Type", "application/json")],
                                                       body: Array(#"{"ids":[{"id":"ok1"},{"name":"x"}]}"#.utf8))
            // One call of two is below 95%.
            #expect(missing.status == 502)
            #expect(missing["/items"] == .array([.string("ok1")]))
            #expect(missing["/upstreams/r[1]/status"] == .string("skipped"))
            #expect(missing["/upstreams/r[1]/error"] == .string("item 1: /id missing"))
            #expect(backend.requests.count == 1)
        }
    }

    @Test("a map over an earlier answer starts when it answers; attach puts each answer into its item, a failed one keeps its place")
    func attachToSearchResults() async throws {
        try await Self.with({ path in
            switch path {
            case "/search": return (#"{"results":[{"sku":"a","n":1},{"sku":"b","n":2,"price":"old"},{"sku":"c","n":3}]}"#, .milliseconds(30))
            case "/price/a": return (#"{"amount":1.50}"#, .zero)
            case "/price/b": return (#"{"amount":2E1}"#, .zero)
            default: return nil
            }
        }, routes: { port in """
            routes:
              - name: priced
                match: { method: GET, path: /priced }
                deadline: 2s
                upstreams:
                  - name: search
                    url: "http://127.0.0.1:\(port)/search"
                    items: /results
                  - name: price
                    url: "http://127.0.0.1:\(port)/price/{item/sku}"
                    each: { from: search, items: /results, attach: price }
                merge: { mode: concat, provenance: false }
            """ }) { harness, backend in
            let response = await harness.get("/priced")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(true))
            #expect(response.text.contains(#"{"items":[{"sku":"a","n":1,"price":{"amount":1.50}},{"sku":"b","n":2,"price":{"amount":2E1}},{"sku":"c","n":3}]"#))
            #expect(response["/upstreams/price[2]/status"] == .string("bad_status"))
            #expect(response["/upstreams/price[0]/status"] == .string("ok"))
            #expect(response.header("Server-Timing")?.contains("price.2;dur=") == true)
            let hits = backend.requests
            let search = try #require(hits.first { $0.uri == "/search" })
            let prices = hits.filter { $0.uri.hasPrefix("/price/") }
            #expect(prices.count == 3)
            #expect(prices.allSatisfy { $0.arrivedAt > (search.answeredAt ?? .max) })
        }
    }
}
