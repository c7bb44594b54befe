import GatherCore
import GatherFixtures
import GatherTestSupport
import Testing

@Suite("Hostile template values")
struct TemplateSafetyTests {
    private static let echoRoutes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: echo
            match: { method: GET, path: /users/{id} }
            deadline: 2s
            complete: first
            upstreams:
              - name: echo
                url: "http://127.0.0.1:\(ports["echo"]!)/users/{path.id}?q={query.q}&fixed=1"
                headers: { X-Search: "{query.q}" }
        """ }

    private static let echo = Backends.backend("echo", [FixturePath(path: "/users/%2E%2E", body: .echo),
                                                        FixturePath(path: "/users/a%2F..%2Fadmin", body: .echo),
                                                        FixturePath(path: "/users/7", body: .echo)])

    @Test("a query value cannot add a parameter, a fragment or a header line")
    func queryValueStaysOneValue() async throws {
        try await GatewayHarness.with([Self.echo], routes: Self.echoRoutes) { harness in
            let response = await harness.get("/users/7?q=x%26admin%3D1%23frag%0D%0AX-Evil:%201")
            #expect(response.status == 200)
            let query = try #require(response["/query"]?.stringValue)
            #expect(query == "q=x%26admin%3D1%23frag%0D%0AX-Evil%3A%201&fixed=1")
            #expect(response["/headers/x-evil"] == nil)
            #expect(response["/headers/x-search"] == .string("x&admin=1#frag%0D%0AX-Evil: 1"))
        }
    }

    @Test("a path value stays one segment and cannot climb")
    func pathValueStaysOneSegment() async throws {
        try await GatewayHarness.with([Self.echo], routes: Self.echoRoutes) { harness in
            // libcurl would resolve `..` itself, so this request is written by hand.
            let raw = try RawHTTPClient(port: harness.gateway.port)
                .exchange("GET /users/..?q=a HTTP/1.1\r\nHost: gather\r\nConnection: close\r\n\r\n")
            #expect(raw.hasPrefix("HTTP/1.1 200"))
            #expect(raw.contains(#""path":"/users/%2E%2E""#))
            let slash = await harness.get("/users/a%2F..%2Fadmin?q=a")
            #expect(slash.status == 200)
            #expect(slash["/path"] == .string("/users/a%2F..%2Fadmin"))
        }
    }

    @Test("a missing template value is the client's error, named")
    func missingValueIs400() async throws {
        try await GatewayHarness.with([Self.echo], routes: Self.echoRoutes) { harness in
            let response = await harness.get("/users/7")
            #expect(response.status == 400)
            let message = try #require(response["/error"]?.stringValue)
            #expect(message.contains("q"))
            #expect(harness.fixtures.requestsServed(of: "echo") == 0)
        }
    }
}
