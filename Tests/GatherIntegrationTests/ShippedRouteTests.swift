import Foundation
import GatherCore
import Testing

/// Each shipped route, through the real gateway over the shipped fixtures, answers as its comment says.
@Suite("Shipped routes over shipped fixtures")
struct ShippedRouteTests {
    private static func withShipped(_ body: (GatewayHarness) async throws -> Void) async throws {
        let harness = try await GatewayHarness.startShipped()
        do { try await body(harness) } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("the harness gives the shipped routes' deadlines and timeouts four times the room, nothing else")
    func roomForLoad() {
        let file = """
            deadline: 300ms
                timeout: 2s
                hedge: { after: 30ms, max: 1 }
              - { name: a, url: "http://127.0.0.1:9101/search?timeout=5" }
            deadline: 1500ms   # a comment
            """
        #expect(GatewayHarness.withRoomForLoad(file) == """
            deadline: 1200ms
                timeout: 8s
                hedge: { after: 30ms, max: 1 }
              - { name: a, url: "http://127.0.0.1:9101/search?timeout=5" }
            deadline: 6000ms   # a comment
            """)
    }

    @Test("search: three engines fused by RRF, ten items by descending _score, hit counts summed")
    func federatedSearch() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/search?q=swift+concurrency")
            #expect(response.status == 200)
            let items = try #require(response["/items"]?.arrayValue)
            #expect(items.count == 10)
            let scores = items.compactMap { JSONPointer("/_score")!.resolve(in: $0)?.numberValue }
            #expect(scores.count == 10)
            #expect(scores == scores.sorted(by: >))
            // An item all three engines ranked first or near it: 1/61 + 1/63 + 1/63 = 0.048140…
            #expect(abs(scores[0] - (1.0 / 61 + 1.0 / 63 + 1.0 / 63)) < 1e-9)
            #expect(response["/items/0/_sources"] == .array([.string("alpha"), .string("beta"), .string("gamma")]))
            #expect(response["/summary/total_hits"] == .int(48213 + 51877 + 12940))
        }
    }

    @Test("search-partial: gamma stalls, the answer leaves at the deadline, partial")
    func partialSearch() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/search-partial?q=swift")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(true))
            #expect(response.upstreamStatus("gamma") == "timeout")
            // gamma stalls for 10 s; the answer leaves at the deadline (200ms shipped, 800ms with
            // the harness's room for load, see `GatewayHarness.withRoomForLoad`). The client's clock
            // also counts a loaded machine's scheduling (a full parallel run here took 2.05 s for
            // this first request of its gateway), hence the wide bound: `timeout` is the proof.
            #expect(response.elapsedMilliseconds < 6_000)
        }
    }

    @Test("search-live with Accept: text/event-stream: fast engines' events first, then gamma's, then the result")
    func progressiveSearch() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/search-live?q=swift", headers: [("Accept", "text/event-stream")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            let events = ServerSentEvents.parse(response.text)
            #expect(events.map(\.event) == ["upstream", "upstream", "upstream", "result"])
            let names = events.prefix(3).compactMap { try? JSONParser.parse(Array($0.data.utf8)) }
                .compactMap { JSONPointer("/name")!.resolve(in: $0)?.stringValue }
            #expect(names.count == 3)
            #expect(names.last == "gamma", "gamma takes 800ms; alpha and beta answer in milliseconds")
            let result = try JSONParser.parse(Array(try #require(events.last).data.utf8))
            #expect(JSONPointer("/status")!.resolve(in: result) == .int(200))
            #expect(JSONPointer("/items")!.resolve(in: result)?.arrayValue?.count == 10)
            #expect(JSONPointer("/partial")!.resolve(in: result) == .bool(false))
        }
    }

    @Test("search with Accept: text/event-stream: events in the order the engines finished, then the fused result")
    func progressiveFederatedSearch() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/search?q=swift", headers: [("Accept", "text/event-stream")])
            let events = ServerSentEvents.parse(response.text)
            #expect(events.map(\.event) == ["upstream", "upstream", "upstream", "result"])
            let times = events.prefix(3).compactMap { try? JSONParser.parse(Array($0.data.utf8)) }
                .compactMap { JSONPointer("/ms")!.resolve(in: $0)?.numberValue }
            #expect(times.count == 3)
            #expect(times == times.sorted(), "each event leaves when its engine finishes")
            let result = try JSONParser.parse(Array(try #require(events.last).data.utf8))
            #expect(JSONPointer("/items")!.resolve(in: result)?.arrayValue?.count == 10)
        }
    }

    @Test("catalog: the stalled primary region loses to the hedge")
    func hedgedCatalog() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/catalog?q=lamp")
            #expect(response.status == 200)
            #expect(response["/upstreams/catalog/won_by"] == .string("hedge"))
            #expect(response["/items/0/region"] == .string("us"))
            // The primary stalls for 5 s: well under that, the hedge won (within the route's
            // deadline, by the gateway's clock; the client's also counts scheduling).
            #expect(response.elapsedMilliseconds < 4_000)
        }
    }

    @Test("prices: one item per SKU at its cheapest, by ascending price, from a quorum of two shops")
    func priceComparison() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/prices?q=headphones")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(false))
            let items = try #require(response["/items"]?.arrayValue)
            let prices = items.compactMap { JSONPointer("/price")!.resolve(in: $0)?.numberValue }
            let skus = items.compactMap { JSONPointer("/sku")!.resolve(in: $0)?.stringValue }
            #expect(!items.isEmpty && prices.count == items.count)
            #expect(prices == prices.sorted())
            #expect(Set(skus).count == skus.count)
            let ok = ["shop-a", "shop-b", "shop-c"].filter { response.upstreamStatus($0) == "ok" }
            #expect(ok.count >= 2)
        }
    }

    @Test("profile: the user object with the orders list grouped under \"orders\" and the organisation under \"organisation\"")
    func profileComposition() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/profile/1")
            #expect(response.status == 200)
            #expect(response["/data/name"] == .string("Ada Lovelace"))
            #expect(response["/data/orders"]?.arrayValue?.count == 3)
            #expect(response["/summary/order_count"] == .int(3))
            // The second stage: the organisation fetched by the user's org_id.
            #expect(response["/data/organisation/name"] == .string("Analytical Engines Ltd"))
            #expect(response.upstreamStatus("org") == "ok")
        }
    }

    @Test("profile: a user without org_id keeps the profile, org is skipped with the reason; no user is a 502")
    func profileStages() async throws {
        try await Self.withShipped { harness in
            let noOrg = await harness.get("/profile/3")
            #expect(noOrg.status == 200)
            #expect(noOrg["/partial"] == .bool(true))
            #expect(noOrg.upstreamStatus("org") == "skipped")
            #expect(noOrg["/upstreams/org/error"] == .string("needs user: /org_id missing"))
            #expect(noOrg["/data/name"] == .string("Alan Turing"))
            // The user is required: orders alone make no profile, whatever min_ok says.
            let noUser = await harness.get("/profile/99")
            #expect(noUser.status == 502)
            #expect(noUser.upstreamStatus("user") == "bad_status")
            #expect(noUser["/upstreams/org/error"] == .string("needs user: bad_status"))
        }
    }

    @Test("search-priced: every search result with its live price attached under \"live\", in search order")
    func searchPriced() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/search-priced?q=headphones")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(false))
            let items = try #require(response["/items"]?.arrayValue)
            #expect(items.count == 7)
            #expect(response["/items/0/product_code"] == .string("SKU-1001"))
            #expect(response["/items/0/live/price"] == .double(329.0) || response["/items/0/live/price"] == .int(329))
            #expect(response["/items/6/live/sku"] == .string("SKU-1010"))
            #expect(response["/upstreams/price[6]/status"] == .string("ok"))
        }
    }

    @Test("enrich: 200 records in 8 batches of 25; the flaky enricher's failed batches are missing, in order, and decide the status")
    func batchEnrichment() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let body = try [UInt8](Data(contentsOf: root.appendingPathComponent("fixtures/enrich-200.json")))
        try await Self.withShipped { harness in
            let response = await harness.client.request("POST", "/enrich", headers: [("Content-Type", "application/json")],
                                                        body: body)
            let statuses = (0..<8).map { response["/upstreams/enrich[\($0)]/status"]?.stringValue }
            #expect(statuses.allSatisfy { $0 == "ok" || $0 == "bad_status" })
            let ok = statuses.filter { $0 == "ok" }.count
            let items = try #require(response["/items"]?.arrayValue)
            #expect(items.count == 25 * ok)
            // min_ok 95% of 8 calls is all 8.
            #expect(response.status == (ok == 8 ? 200 : 502))
            #expect(response["/partial"] == .bool(ok < 8))
            #expect(items.first?.objectValue?["enriched"] == .bool(true))
            // Records keep their order: ids ascend through the ok batches.
            let ids = items.compactMap { $0.objectValue?["id"]?.numberValue }
            #expect(ids == ids.sorted())
        }
    }

    @Test("item: the winning region's bytes, unchanged, with Gather-Winner")
    func firstWins() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/items/42")
            #expect(response.status == 200)
            #expect(response.header("Gather-Winner") == "item")
            #expect(response.text.hasPrefix(#"{"id":42,"name":"Espresso machine""#))
        }
    }

    @Test("config: the lying replica is outvoted, 2 of 3 agree")
    func consensus() async throws {
        try await Self.withShipped { harness in
            let response = await harness.get("/config")
            #expect(response.status == 200)
            #expect(response["/data/version"] == .int(412))
            #expect(response["/data/features/new_checkout"] == .bool(true))
            #expect(response["/votes/agree"] == .int(2))
            #expect(response["/votes/of"] == .int(3))
        }
    }
}
