import GatherCore
import GatherTestSupport
import NIOCore
import Testing

/// Per-upstream caching, coalescing and stale fill through the real gateway, counted at a real
/// upstream (every request it receives is recorded, also those the gateway later aborts).
@Suite("Upstream cache, coalescing and stale fill")
struct UpstreamCacheTests {
    private static let placeholder = [Backends.fast("unused", urls: ["https://unused.example/1"])]

    private static func route(port: Int, deadline: String = "2s", cache: String = "cache: { ttl: 30s, stale: 10m }") -> String {
        """
        routes:
          - name: cached
            match: { method: GET, path: /cached }
            deadline: \(deadline)
            upstreams:
              - name: a
                url: "http://127.0.0.1:\(port)/r?q={query.q}"
                \(cache)
            merge: { mode: object }
        """
    }

    @Test("a second identical request sends nothing: cache hit, desc=\"hit\", no attempt")
    func secondRequestIsAHit() async throws {
        let backend = try await TestUpstream.start()
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(port: backend.port) }) { harness in
            let first = await harness.get("/cached?q=lamp")
            #expect(first.status == 200)
            #expect(first["/upstreams/a/cache"] == .string("miss"))
            #expect(first["/data/ok"] == .bool(true))
            let second = await harness.get("/cached?q=lamp", headers: [("X-Request-Id", "another-one")])
            #expect(second.status == 200)
            #expect(second["/data/ok"] == .bool(true))
            #expect(second["/upstreams/a/status"] == .string("ok"))
            #expect(second["/upstreams/a/cache"] == .string("hit"))
            #expect(second["/upstreams/a/attempts"] == .int(0))
            #expect(second["/partial"] == .bool(false))
            #expect(second["/stale"] == nil)
            #expect(second.header("Server-Timing")?.contains(#"a;dur="#) == true)
            #expect(second.header("Server-Timing")?.hasSuffix(#";desc="hit""#) == true)
            #expect(backend.requests.count == 1, "the hit sent nothing upstream")
            let other = await harness.get("/cached?q=desk")
            #expect(other["/upstreams/a/cache"] == .string("miss"))
            #expect(backend.requests.count == 2, "another query is another key")
        }
    }

    @Test("a fresh hit takes no max_in_flight place: it is answered while the upstream's one slot is held")
    func hitNeedsNoSlot() async throws {
        // q=slow holds the upstream's only slot past the deadline.
        let backend = try await TestUpstream.start { request in
            .ok(delay: request.uri.contains("q=slow") ? .seconds(5) : .zero)
        }
        defer { Task { await backend.stop() } }
        let routes = Self.route(port: backend.port, deadline: "2s",
                                cache: "cache: { ttl: 30s, stale: 10m }\n        max_in_flight: 1")
        try await GatewayHarness.with(Self.placeholder, routes: { _ in routes }) { harness in
            #expect(await harness.get("/cached?q=lamp")["/upstreams/a/cache"] == .string("miss"))
            let heldEnded = Locked(false)
            let held = Task {
                let response = await harness.get("/cached?q=slow")
                heldEnded.withLock { $0 = true }
                return response
            }
            try await backend.waitForRequests(2)
            let hit = await harness.get("/cached?q=lamp")
            // Waiting for the slot, it would have been answered only once the held request gave
            // the slot back at its deadline.
            #expect(!heldEnded.value, "answered while the slot is still held: \(hit.text)")
            #expect(hit.status == 200)
            #expect(hit["/upstreams/a/cache"] == .string("hit"))
            #expect(hit["/stale"] == nil)
            #expect(await held.value["/upstreams/a/status"] == .string("timeout"))
            #expect(backend.requests.count == 2)
        }
    }

    @Test("an open circuit does not skip a fresh hit: it sends nothing either way")
    func openCircuitServesAFreshHit() async throws {
        let probe = try await TestUpstream.start()
        defer { Task { await probe.stop() } }
        let routes = Self.route(port: probe.port,
                                cache: "cache: { ttl: 30s, stale: 10m }\n        circuit: { failures: 2, cooldown: 30s }")
        try await GatewayHarness.with(Self.placeholder, routes: { _ in routes }) { harness in
            #expect(await harness.get("/cached?q=lamp")["/upstreams/a/cache"] == .string("miss"))
            probe.answer { _ in TestUpstream.Answer(status: 503, body: #"{"error":"down"}"#) }
            for query in ["desk", "chair"] {
                #expect(await harness.get("/cached?q=\(query)").upstreamStatus("a") == "bad_status")
            }
            let open = await harness.get("/cached?q=sofa")
            #expect(open.upstreamStatus("a") == "skipped", "the circuit is open: \(open.text)")
            let hit = await harness.get("/cached?q=lamp")
            #expect(hit.upstreamStatus("a") == "ok", "\(hit.text)")
            #expect(hit["/upstreams/a/cache"] == .string("hit"))
            #expect(hit["/stale"] == nil)
            #expect(probe.requests.count == 3)
        }
    }

    @Test("Cache-Control: no-store is never stored")
    func noStoreIsNeverStored() async throws {
        let backend = try await TestUpstream.start { _ in .ok(headers: [("Cache-Control", "no-store")]) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(port: backend.port) }) { harness in
            for _ in 0..<3 {
                let response = await harness.get("/cached?q=lamp")
                #expect(response.status == 200)
                #expect(response["/upstreams/a/cache"] == .string("miss"))
            }
            #expect(backend.requests.count == 3)
        }
    }

    @Test("50 concurrent identical requests send exactly one upstream request")
    func fiftyConcurrentRequestsShareOneTransfer() async throws {
        // Slow enough that all fifty arrive while the first is still out.
        let backend = try await TestUpstream.start { _ in .ok(delay: .milliseconds(800)) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(port: backend.port, deadline: "5s") }) { harness in
            let responses = await withTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<50 { group.addTask { await harness.get("/cached?q=hot") } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 200 && $0["/data/ok"] == .bool(true) })
            let results = responses.compactMap { $0["/upstreams/a/cache"]?.stringValue }
            #expect(results.filter { $0 == "miss" }.count == 1, "one request sent it: \(results)")
            #expect(results.filter { $0 == "coalesced" }.count + results.filter { $0 == "hit" }.count == 49)
            #expect(results.contains("coalesced"))
            #expect(backend.requests.count == 1, "counted at the upstream: \(backend.requests.count)")
        }
    }

    @Test("coalesce alone: concurrent identical requests share one transfer, nothing is stored")
    func coalesceWithoutCache() async throws {
        // Slow enough that all ten arrive while the first is out, even on a loaded machine.
        let backend = try await TestUpstream.start { _ in .ok(delay: .seconds(2)) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in
            Self.route(port: backend.port, deadline: "5s", cache: "coalesce: true")
        }) { harness in
            let responses = await withTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<10 { group.addTask { await harness.get("/cached?q=hot") } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 200 })
            #expect(responses.filter { $0["/upstreams/a/cache"] == .string("coalesced") }.count == 9)
            #expect(backend.requests.count == 1)
            let later = await harness.get("/cached?q=hot")
            #expect(later["/upstreams/a/cache"] == .string("miss"), "nothing stored: sent again")
            #expect(backend.requests.count == 2)
        }
    }

    /// A joins first and times out at its own deadline; B joined later and still needs the
    /// transfer, so it goes on and answers B.
    @Test("a waiter whose deadline passes times out alone; the shared transfer goes on for the other")
    func shorterDeadlineTimesOutAlone() async throws {
        // A's deadline is 4 s, the upstream answers 5 s after it got the request: B must arrive
        // later than 1 s after it (so that its own deadline covers the answer) and before A's
        // deadline (so that it joins); 1.5 s leaves 2.5 s for a loaded machine.
        let backend = try await TestUpstream.start { .ok(delay: $0.index == 0 ? .seconds(5) : .zero) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in Self.route(port: backend.port, deadline: "4s") }) { harness in
            async let first = harness.get("/cached?q=slow")
            try await backend.waitForRequests(1)
            try await Task.sleep(for: .milliseconds(1_500))
            let second = await harness.get("/cached?q=slow")
            let a = await first
            #expect(a.status == 504)
            #expect(a["/upstreams/a/status"] == .string("timeout"))
            #expect(second.status == 200)
            #expect(second["/upstreams/a/status"] == .string("ok"))
            #expect(second["/upstreams/a/cache"] == .string("coalesced"))
            #expect(backend.requests.count == 1)
        }
    }

    @Test("a stalled upstream with a stale entry: 200 at the deadline, not partial, stale: true")
    func staleFill() async throws {
        let backend = try await TestUpstream.start { .ok(delay: $0.index == 0 ? .zero : .seconds(5)) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in
            Self.route(port: backend.port, deadline: "1s", cache: "cache: { ttl: 100ms, stale: 10m }")
        }) { harness in
            let first = await harness.get("/cached?q=lamp")
            #expect(first["/upstreams/a/cache"] == .string("miss"))
            try await Task.sleep(for: .milliseconds(150))
            let second = await harness.get("/cached?q=lamp")
            #expect(second.status == 200)
            #expect(second["/data/ok"] == .bool(true))
            #expect(second["/partial"] == .bool(false))
            #expect(second["/stale"] == .bool(true))
            #expect(second.header("Gather-Stale") == "true")
            #expect(second.header("Gather-Partial") == "false")
            #expect(second["/upstreams/a/status"] == .string("ok"))
            #expect(second["/upstreams/a/cache"] == .string("stale"))
            #expect(second["/upstreams/a/error"] == .string("timeout; served stale"))
            #expect((second["/upstreams/a/age_ms"]?.numberValue ?? 0) >= 150)
            #expect(second.header("Server-Timing")?.hasSuffix(#";desc="stale""#) == true)
            #expect(second.elapsedMilliseconds < 4_500, "answered at the deadline, not when the upstream answers (5 s)")
            // A query never answered before has nothing to fill with.
            let unseen = await harness.get("/cached?q=desk")
            #expect(unseen.status == 504)
            #expect(unseen["/upstreams/a/cache"] == .string("miss"))
        }
    }

    /// Every waiter's hedge timer fires; the first sends the hedge, the others join it.
    @Test("hedges of a shared call are shared too: ten waiters, one primary and one hedge upstream")
    func hedgesAreShared() async throws {
        let backend = try await TestUpstream.start { .ok(delay: $0.index == 0 ? .seconds(3) : .zero) }
        defer { Task { await backend.stop() } }
        try await GatewayHarness.with(Self.placeholder, routes: { _ in
            Self.route(port: backend.port, deadline: "2s", cache: "cache: { ttl: 30s }\n        hedge: { after: 300ms }")
        }) { harness in
            let responses = await withTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<10 { group.addTask { await harness.get("/cached?q=hedged") } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == 200 && $0["/data/ok"] == .bool(true) })
            #expect(responses.allSatisfy { $0.elapsedMilliseconds < 2_900 }, "answered by the hedge, not the stalled primary (3 s)")
            #expect(backend.requests.count == 2, "one primary and one hedge reached the upstream: \(backend.requests.count)")
            let results = responses.compactMap { $0["/upstreams/a/cache"]?.stringValue }
            #expect(results.filter { $0 == "miss" }.count <= 1, "\(results)")
        }
    }
}
