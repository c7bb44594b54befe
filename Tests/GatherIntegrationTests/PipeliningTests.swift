import GatherCore
import GatherFixtures
import GatherServer
import GatherTestSupport
import Testing

@Suite("Pipelined requests are answered one at a time, in order")
struct PipeliningTests {
    private static let routes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["a"]!)/search" }
            merge: { items: /results }
        """ }

    private static let backends = [Backends.fast("a", urls: ["https://a.example/1"])]

    /// The status codes of the responses in `raw`, in order.
    private func statuses(_ raw: String) -> [Int] {
        raw.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
    }

    @Test("three requests in one write get three answers in request order")
    func pipelinedRequestsInOrder() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let raw = try RawHTTPClient(port: harness.gateway.port).exchange(
                "GET /search?n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /nothing-here HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /search?n=3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(statuses(raw) == [200, 404, 200])
            let responses: [String] = Array(raw.components(separatedBy: "HTTP/1.1 ").dropFirst(1))
            #expect(responses.count == 3)
            if responses.count == 3 {
                #expect(responses[0].contains("https://a.example/1"))
                #expect(responses[1].contains("no route matches GET /nothing-here"))
                #expect(responses[2].contains("https://a.example/1"))
            }
        }
    }

    @Test("a malformed request behind a pipelined one is answered after it, then the connection closes")
    func parseErrorWaitsItsTurn() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            let raw = try RawHTTPClient(port: harness.gateway.port).exchange(
                "GET /search HTTP/1.1\r\nHost: t\r\n\r\nNOT HTTP AT ALL\r\n\r\nGET /search HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(statuses(raw) == [200, 400])
        }
    }

    @Test("a keep-alive connection serves request after request")
    func keepAliveSequence() async throws {
        try await GatewayHarness.with(Self.backends, routes: Self.routes) { harness in
            for _ in 0..<5 {
                let response = await harness.get("/search")
                #expect(response.status == 200)
            }
        }
    }
}
