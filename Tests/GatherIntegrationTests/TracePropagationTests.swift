import GatherCore
import GatherFixtures
import GatherTestSupport
import Testing

/// W3C Trace Context: version 00, 32 lowercase hex trace id not all zero, 16 lowercase hex
/// parent id not all zero, 2 hex flags.
private func isValidTraceparent(_ value: String?) -> Bool {
    guard let value else { return false }
    let parts = value.split(separator: "-", omittingEmptySubsequences: false)
    let hex = Set("0123456789abcdef")
    return parts.count == 4 && parts[0] == "00" && parts.map(\.count) == [2, 32, 16, 2]
        && parts.allSatisfy { $0.allSatisfy(hex.contains) }
        && parts[1].contains { $0 != "0" } && parts[2].contains { $0 != "0" }
}

private func traceID(_ traceparent: String?) -> Substring? { traceparent?.split(separator: "-").dropFirst().first }
private func parentID(_ traceparent: String?) -> Substring? { traceparent?.split(separator: "-").dropFirst(2).first }

@Suite("Trace context sent upstream")
struct TracePropagationTests {
    static let clientTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    static let clientTracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"

    /// Two echo upstreams whose bodies land under their own keys: both attempts' headers are visible.
    private static let twoEchoes: @Sendable ([String: Int]) -> String = { ports in """
        routes:
          - name: both
            match: { method: GET, path: /both }
            deadline: 2s
            upstreams:
              - { name: a, url: "http://127.0.0.1:\(ports["echo"]!)/echo", group: a }
              - { name: b, url: "http://127.0.0.1:\(ports["echo"]!)/echo", group: b }
            merge: { mode: object }
        """ }

    @Test("traceparent is propagated with the same trace id: a new parent id per attempt, tracestate unchanged")
    func sameTraceID() async throws {
        let echo = Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])
        try await GatewayHarness.with([echo], routes: Self.twoEchoes) { harness in
            let response = await harness.get("/both", headers: [
                ("traceparent", Self.clientTraceparent), ("tracestate", Self.clientTracestate),
                ("X-Request-Id", "req-trace-1"),
            ])
            #expect(response.status == 200)
            let a = response["/data/a/headers/traceparent"]?.stringValue
            let b = response["/data/b/headers/traceparent"]?.stringValue
            #expect(isValidTraceparent(a) && isValidTraceparent(b))
            #expect(traceID(a) == "0af7651916cd43dd8448eb211c80319c")
            #expect(traceID(b) == "0af7651916cd43dd8448eb211c80319c")
            #expect(a?.hasSuffix("-01") == true, "the client's flags are kept")
            #expect(parentID(a) != "b7ad6b7169203331" && parentID(b) != "b7ad6b7169203331", "gather is a hop")
            #expect(parentID(a) != parentID(b), "each attempt is its own span")
            #expect(response["/data/a/headers/tracestate"] == .string(Self.clientTracestate))
            #expect(response["/data/b/headers/tracestate"] == .string(Self.clientTracestate))
            #expect(response["/data/a/headers/x-request-id"] == .string("req-trace-1"))
            #expect(response["/data/b/headers/x-request-id"] == .string("req-trace-1"))
        }
    }

    @Test("a hedge gets a different parent id than its primary, in the same trace")
    func hedgeHasItsOwnParentID() async throws {
        // The primary (first request) answers after 3 s, long after the hedge (30 ms) has won.
        let backend = try await TestUpstream.start { .ok(delay: $0.index == 0 ? .seconds(3) : .zero) }
        let port = backend.port
        do {
            try await GatewayHarness.with([], routes: { _ in """
                routes:
                  - name: hedged
                    match: { method: GET, path: /hedged }
                    deadline: 2s
                    complete: first
                    upstreams:
                      - name: slow-then-fast
                        url: "http://127.0.0.1:\(port)/r"
                        hedge: { after: 30ms, max: 1 }
                """ }) { harness in
                let response = await harness.get("/hedged", headers: [
                    ("traceparent", Self.clientTraceparent), ("tracestate", Self.clientTracestate),
                ])
                #expect(response.status == 200)
                #expect(response["/ok"] == .bool(true))
                try await backend.waitForRequests(2)
                let primary = backend.header("traceparent", ofRequest: 0)
                let hedge = backend.header("traceparent", ofRequest: 1)
                #expect(isValidTraceparent(primary) && isValidTraceparent(hedge))
                #expect(traceID(primary) == "0af7651916cd43dd8448eb211c80319c")
                #expect(traceID(hedge) == "0af7651916cd43dd8448eb211c80319c")
                #expect(parentID(primary) != parentID(hedge))
                #expect(backend.header("tracestate", ofRequest: 0) == Self.clientTracestate)
                #expect(backend.header("tracestate", ofRequest: 1) == Self.clientTracestate)
                #expect(backend.requests.allSatisfy { $0.headers.filter { $0.0 == "traceparent" }.count == 1 })
            }
        } catch {
            await backend.stop()
            throw error
        }
        await backend.stop()
    }

    @Test("an invalid traceparent from the client is replaced by a fresh valid one, and its tracestate dropped",
          arguments: [
              "00-00000000000000000000000000000000-b7ad6b7169203331-01",
              "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
              "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
              "not a traceparent",
          ])
    func invalidReplaced(_ invalid: String) async throws {
        let echo = Backends.backend("echo", [FixturePath(path: "/echo", body: .echo)])
        try await GatewayHarness.with([echo], routes: Self.twoEchoes) { harness in
            let response = await harness.get("/both", headers: [("traceparent", invalid), ("tracestate", "congo=x")])
            #expect(response.status == 200)
            let a = response["/data/a/headers/traceparent"]?.stringValue
            let b = response["/data/b/headers/traceparent"]?.stringValue
            #expect(isValidTraceparent(a), "got \(a ?? "nothing")")
            #expect(traceID(a) == traceID(b), "one new trace for the whole request")
            #expect(traceID(a) != "0af7651916cd43dd8448eb211c80319c" && traceID(a) != "00000000000000000000000000000000")
            #expect(response["/data/a/headers/tracestate"] == nil)
        }
    }

    @Test("a traceparent listed in forward_headers is not sent twice")
    func forwardedTraceparentNotDuplicated() async throws {
        let backend = try await TestUpstream.start()
        let port = backend.port
        do {
            try await GatewayHarness.with([], routes: { _ in """
                routes:
                  - name: fw
                    match: { method: GET, path: /fw }
                    deadline: 2s
                    complete: first
                    forward_headers: [traceparent, X-Request-Id]
                    upstreams:
                      - { name: r, url: "http://127.0.0.1:\(port)/r" }
                """ }) { harness in
                let response = await harness.get("/fw", headers: [("traceparent", Self.clientTraceparent),
                                                                   ("X-Request-Id", "one")])
                #expect(response.status == 200)
                let headers = try #require(backend.requests.first?.headers)
                #expect(headers.filter { $0.0 == "traceparent" }.count == 1)
                #expect(headers.filter { $0.0 == "x-request-id" }.map(\.1) == ["one"])
            }
        } catch {
            await backend.stop()
            throw error
        }
        await backend.stop()
    }
}
