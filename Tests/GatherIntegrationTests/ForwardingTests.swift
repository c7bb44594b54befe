import GatherCore
import GatherFixtures
import Testing

@Suite("What gather sends upstream")
struct ForwardingTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: echo
            match: { method: GET, path: /echo }
            deadline: 2s
            complete: first
            forward_headers: [Accept-Language, Cookie2]
            upstreams:
              - name: echo
                url: "http://127.0.0.1:\(ports["echo"]!)/echo"
                headers: { Authorization: "Bearer route-token" }
        """ }

    @Test("allowlisted headers, route headers, X-Request-Id and traceparent go up; hop-by-hop and others do not")
    func headersUpstream() async throws {
        let echo = Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])
        try await GatewayHarness.with([echo], routes: Self.routes) { harness in
            let response = await harness.get("/echo", headers: [
                ("Accept-Language", "de-CH"), ("Cookie", "session=secret"), ("Keep-Alive", "timeout=5"),
                ("Connection", "keep-alive, Cookie2"), ("Cookie2", "named-by-connection"),
                ("X-Request-Id", "req-123"),
                ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ])
            #expect(response.status == 200)
            #expect(response["/headers/accept-language"] == .string("de-CH"))
            #expect(response["/headers/authorization"] == .string("Bearer route-token"))
            #expect(response["/headers/cookie"] == nil)
            #expect(response["/headers/keep-alive"] == nil)
            #expect(response["/headers/cookie2"] == nil, "a header the client's Connection names is hop-by-hop")
            #expect(response["/headers/x-request-id"] == .string("req-123"))
            #expect(response.header("X-Request-Id") == "req-123")
            let traceparent = try #require(response["/headers/traceparent"]?.stringValue)
            #expect(traceparent.hasPrefix("00-0af7651916cd43dd8448eb211c80319c-"))
            #expect(!traceparent.contains("b7ad6b7169203331"), "gather is a hop: a new parent id")
        }
    }

    @Test("without client ids gather makes them")
    func generatedIdentity() async throws {
        let echo = Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])
        try await GatewayHarness.with([echo], routes: Self.routes) { harness in
            let response = await harness.get("/echo")
            let requestID = try #require(response.header("X-Request-Id"))
            #expect(requestID.count == 32)
            #expect(response["/headers/x-request-id"] == .string(requestID))
            let traceparent = try #require(response["/headers/traceparent"]?.stringValue)
            #expect(traceparent.split(separator: "-").map(\.count) == [2, 32, 16, 2])
        }
    }

    @Test("{header.X} templates read the client's header, encoded for their place")
    func headerTemplate() async throws {
        let echo = Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])
        try await GatewayHarness.with([echo], routes: { ports in """
            routes:
              - name: tenant
                match: { method: GET, path: /t }
                deadline: 2s
                complete: first
                upstreams:
                  - name: echo
                    url: "http://127.0.0.1:\(ports["echo"]!)/echo?tenant={header.x-tenant}"
                    headers: { X-Tenant-Echo: "{header.x-tenant}" }
            """ }) { harness in
            let response = await harness.get("/t", headers: [("X-Tenant", "acme & co")])
            #expect(response.status == 200)
            #expect(response["/query"] == .string("tenant=acme%20%26%20co"))
            #expect(response["/headers/x-tenant-echo"] == .string("acme & co"))
            let missing = await harness.get("/t")
            #expect(missing.status == 400)
        }
    }
}
