import Foundation
import GatherCore
import Testing

/// `complete: first` passes the winner's body on as it came, with its Content-Encoding, to a
/// client that accepts that coding, and decoded to one that does not (real nginx upstreams,
/// curl without --compressed as the client, so the bytes are read as they leave gather).
@Suite("complete: first passes encoded bodies to clients that accept them", .serialized)
struct FirstPassthroughTests {
    static let routes: @Sendable (NginxUpstream) -> String = { nginx in """
        routes:
          - name: gz
            match: { path: /gz }
            deadline: 3s
            complete: first
            upstreams:
              - { name: gzip, url: "http://127.0.0.1:\(nginx.port("gzip"))/doc.json?gz" }
          - name: br
            match: { path: /br }
            deadline: 3s
            complete: first
            upstreams:
              - { name: br, url: "http://127.0.0.1:\(nginx.port("br"))/doc.json?br" }
          - name: zst
            match: { path: /zst }
            deadline: 3s
            complete: first
            upstreams:
              - { name: zstd, url: "http://127.0.0.1:\(nginx.port("files"))/doc.zst" }
          - name: own
            match: { path: /own }
            deadline: 3s
            complete: first
            upstreams:
              - name: own
                url: "http://127.0.0.1:\(nginx.port("gzip"))/doc.json?own"
                headers: { Accept-Encoding: gzip }
        """ }

    private static func curl(_ gateway: GatewayHarness, _ target: String, _ acceptEncoding: String?) async throws -> CurlCommand.Response {
        try await CurlCommand.run("http://127.0.0.1:\(gateway.gateway.port)\(target)",
                            acceptEncoding.map { ["-H", "Accept-Encoding: \($0)"] } ?? [])
    }

    @Test("gzip, br and zstd pass through to a client that accepts them; others get identity; a route's own Accept-Encoding decodes")
    func passthrough() async throws {
        let document = UpstreamCompressionTests.document
        try await UpstreamCompressionTests.withNginx { nginx in
            try await GatewayHarness.with([], routes: { _ in Self.routes(nginx) }) { gateway in
                let gzip = try await Self.curl(gateway, "/gz", "gzip")
                #expect(gzip.status == 200, "\(gzip.stderr)")
                #expect(gzip.headers["content-encoding"] == "gzip")
                #expect(gzip.headers["vary"] == "Accept-Encoding")
                #expect(gzip.headers["gather-winner"] == "gzip")
                #expect(gzip.bodyBytes.count < document.count / 2, "still compressed: \(gzip.bodyBytes.count) bytes")
                #expect(try await UpstreamCompressionTests.compressed("gzip", ["-dc"], gzip.bodyBytes) == document)

                let identity = try await Self.curl(gateway, "/gz", nil)
                #expect(identity.headers["content-encoding"] == nil)
                #expect(identity.bodyBytes == document)
                let refused = try await Self.curl(gateway, "/gz", "gzip;q=0, identity")
                #expect(refused.headers["content-encoding"] == nil)
                #expect(refused.bodyBytes == document)

                let br = try await Self.curl(gateway, "/br", "br, gzip;q=0")
                #expect(br.headers["content-encoding"] == "br")
                #expect(br.bodyBytes.count < document.count / 2)
                let brDecoded = try await Self.curl(gateway, "/br", "deflate")
                #expect(brDecoded.headers["content-encoding"] == nil)
                #expect(brDecoded.bodyBytes == document)

                let zstd = try await Self.curl(gateway, "/zst", "zstd")
                #expect(zstd.headers["content-encoding"] == "zstd")
                #expect(try await UpstreamCompressionTests.compressed("zstd", ["-dc"], zstd.bodyBytes) == document)

                let own = try await Self.curl(gateway, "/own", "gzip")
                #expect(own.headers["content-encoding"] == nil, "the route's Accept-Encoding: decoded as before")
                #expect(own.bodyBytes == document)

                let lines = await nginx.waitForLog("/doc", count: 7)
                let asked = lines.filter { $0.uri == "/doc.json?gz" }.map(\.acceptEncoding)
                #expect(asked == ["gzip", "gzip, br, zstd", "gzip, br, zstd"], "only what the client takes: \(asked)")
                #expect(lines.filter { $0.uri == "/doc.json?br" }.map(\.acceptEncoding) == ["br", "gzip, br, zstd"])
            }
        }
    }
}
