import Testing
@testable import GatherCore

/// Hedges and retries repeat a request: only for idempotent methods, unless the upstream says so.
struct IdempotencyTests {
    private func upstreams(_ extra: String) -> [UpstreamSpec] {
        let text = """
        routes:
          - name: r
            match: { method: POST, path: /search }
            deadline: 100ms
            upstreams:
              - name: a
                url: http://127.0.0.1:9101/a
        \(extra)
        """
        let result = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        #expect(result.errors.isEmpty)
        return result.routes.first?.upstreams ?? []
    }

    @Test func theKeyDefaultsToFalseAndParses() throws {
        #expect(try #require(upstreams("").first).idempotent == false)
        #expect(try #require(upstreams("        idempotent: true").first).idempotent == true)
        #expect(try #require(upstreams("        idempotent: false").first).idempotent == false)
    }

    @Test func rfc9110MethodsRepeatOthersOnlyWhenTheUpstreamSaysSo() throws {
        let plain = try #require(upstreams("").first)
        let marked = try #require(upstreams("        idempotent: true").first)
        for method in ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"] {
            #expect(RouteMethods.allowsRepeats(method, to: plain), "\(method)")
        }
        for method in ["POST", "PATCH", "get"] {
            #expect(!RouteMethods.allowsRepeats(method, to: plain), "\(method)")
            #expect(RouteMethods.allowsRepeats(method, to: marked), "\(method)")
        }
    }
}
