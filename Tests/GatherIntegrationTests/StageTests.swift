import GatherCore
import GatherTestSupport
import NIOCore
import Testing

/// Dependent upstreams and `required: true` through the real gateway, timed at the upstream.
@Suite("stages: dependent upstreams and required ones")
struct StageTests {
    /// One backend serves every path: users, orgs, teams.
    private static func backend() async throws -> TestUpstream {
        try await TestUpstream.start(routing: { path in
            switch path {
            case "/users/1": return (#"{"id":1,"org_id":7,"team":"a b/c","big":12345678901234567890,"org":{"id":7}}"#, .milliseconds(80))
            case "/users/slow": return (#"{"id":2,"org_id":7}"#, .seconds(3))
            case "/orgs/7": return (#"{"org":{"name":"Engines"}}"#, .milliseconds(5))
            case "/orders": return (#"{"orders":[1,2]}"#, .milliseconds(500))
            default:
                if path.hasPrefix("/teams/") || path.hasPrefix("/big/") { return (#"{"seen":true}"#, .zero) }
                return nil
            }
        })
    }

    private static func routes(_ port: Int) -> String { """
        routes:
          - name: profile
            match: { method: GET, path: "/profile/{id}" }
            deadline: 2s
            upstreams:
              - name: user
                url: "http://127.0.0.1:\(port)/users/{path.id}"
                required: true
              - name: orders
                url: "http://127.0.0.1:\(port)/orders"
                items: /orders
                group: orders
              - name: org
                url: "http://127.0.0.1:\(port)/orgs/{from.user/org_id}"
                items: /org
                group: organisation
              - name: team
                url: "http://127.0.0.1:\(port)/teams/{from.user/team}?big={from.user/big}&org={from.org/org/name}"
                group: team
            merge: { mode: object }
          - name: shape
            match: { method: GET, path: "/shape/{id}" }
            deadline: 2s
            upstreams:
              - name: user
                url: "http://127.0.0.1:\(port)/users/{path.id}"
              - name: org
                url: "http://127.0.0.1:\(port)/orgs/{from.user/org}"
            merge: { mode: object }
        """ }

    private static func with(_ body: (GatewayHarness, TestUpstream) async throws -> Void) async throws {
        let backend = try await Self.backend()
        do {
            try await GatewayHarness.with([], routes: { _ in Self.routes(backend.port) }) { harness in
                try await body(harness, backend)
            }
        } catch {
            await backend.stop()
            throw error
        }
        await backend.stop()
    }

    @Test("a later stage's cache is keyed by its rendered request: the second profile's org is a hit, its user is not cached")
    func dependentCache() async throws {
        let backend = try await Self.backend()
        do {
            try await GatewayHarness.with([], routes: { _ in """
                routes:
                  - name: cached-profile
                    match: { method: GET, path: "/cp/{id}" }
                    deadline: 2s
                    upstreams:
                      - name: user
                        url: "http://127.0.0.1:\(backend.port)/users/{path.id}"
                      - name: org
                        url: "http://127.0.0.1:\(backend.port)/orgs/{from.user/org_id}"
                        items: /org
                        group: organisation
                        cache: { ttl: 30s }
                    merge: { mode: object }
                """ }) { harness in
                let first = await harness.get("/cp/1")
                #expect(first.status == 200)
                #expect(first["/upstreams/org/cache"] == .string("miss"))
                let second = await harness.get("/cp/1")
                #expect(second.status == 200)
                #expect(second["/data/organisation/name"] == .string("Engines"))
                #expect(second["/upstreams/org/cache"] == .string("hit"))
                #expect(second["/upstreams/org/attempts"] == .int(0))
                #expect(second["/upstreams/user/cache"] == nil)
                let uris = backend.requests.map(\.uri)
                #expect(uris.filter { $0 == "/users/1" }.count == 2)
                #expect(uris.filter { $0 == "/orgs/7" }.count == 1, "the hit sent nothing: \(uris)")
            }
        } catch {
            await backend.stop()
            throw error
        }
        await backend.stop()
    }

    @Test("a dependent's request arrives after its need's answer and within a few ms of it; values are encoded for their place")
    func dependencyTimingAtTheUpstream() async throws {
        try await Self.with { harness, backend in
            let response = await harness.get("/profile/1")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(false))
            #expect(response["/data/organisation/name"] == .string("Engines"))
            #expect(response["/data/team/seen"] == .bool(true))
            let hits = backend.requests
            let user = try #require(hits.first { $0.uri == "/users/1" })
            let org = try #require(hits.first { $0.uri == "/orgs/7" })
            let orders = try #require(hits.first { $0.uri == "/orders" })
            let team = try #require(hits.first { $0.uri.hasPrefix("/teams/") })
            let userAnswered = try #require(user.answeredAt)
            let orgAnswered = try #require(org.answeredAt)
            // The first stage goes out together; org only once the user has answered (80 ms later).
            #expect(orders.arrivedAt < userAnswered)
            #expect(org.arrivedAt > userAnswered)
            // Released at that instant, not at the end of a "stage": orders (500 ms) is still out.
            let ordersAnswered = try #require(orders.answeredAt)
            #expect(org.arrivedAt < ordersAnswered)
            // The gap is the gateway's own work (well under a millisecond on a quiet machine, see
            // bench/stages); 200 ms leaves room for a loaded one and still fails a plan that waited
            // for the first stage to end (orders answers 420 ms after the user).
            let gap = Double(org.arrivedAt - userAnswered) / 1e6
            #expect(gap < 200, "org arrived \(gap) ms after the user's answer")
            // team needs user and org: it waits for the later of the two.
            #expect(team.arrivedAt > orgAnswered)
            // A string segment keeps no '/' or space; a number keeps its text; a query value no '&'.
            #expect(team.uri == "/teams/a%20b%2Fc?big=12345678901234567890&org=Engines")
        }
    }

    @Test("a need that times out skips its dependents, which are never sent; the answer is partial")
    func aFailedNeedSkipsDependents() async throws {
        try await Self.with { harness, backend in
            let response = await harness.get("/shape/slow")
            #expect(response.status == 504)
            #expect(response.upstreamStatus("user") == "timeout")
            #expect(response.upstreamStatus("org") == "skipped")
            #expect(response["/upstreams/org/error"] == .string("needs user: timeout"))
            #expect(response["/upstreams/org/attempts"] == .int(0))
            #expect(!backend.requests.contains { $0.uri.hasPrefix("/orgs/") })
        }
    }

    @Test("a value that is not a string, number or boolean skips the dependent with the reason")
    func aNonScalarValueSkips() async throws {
        try await Self.with { harness, backend in
            let response = await harness.get("/shape/1")
            #expect(response.status == 200)
            #expect(response["/partial"] == .bool(true))
            #expect(response.upstreamStatus("org") == "skipped")
            #expect(response["/upstreams/org/error"] == .string("needs user: /org is an object, not a string, number or boolean"))
            #expect(response.header("Server-Timing")?.contains(#"org;dur="#) == true)
        }
    }

    @Test("a required upstream that fails makes a 502 with the envelope, whatever min_ok says")
    func requiredUpstream() async throws {
        try await Self.with { harness, _ in
            let response = await harness.get("/profile/404")
            #expect(response.status == 502)
            #expect(response.upstreamStatus("user") == "bad_status")
            #expect(response.upstreamStatus("org") == "skipped")
            #expect(response["/upstreams/team/error"] == .string("needs user: bad_status"))
            #expect(response.header("Gather-Partial") == "true")
        }
    }
}
