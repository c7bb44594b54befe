import Foundation
import GatherCore
import Testing

/// HTTP/2 to upstreams against a real nginx: ALPN with fallback, h2c, multiplexing seen at the
/// upstream (a 50-shard route on a few connections), an abort that resets one stream, and
/// `max_connections` bounding HTTP/1.1 connections.
@Suite("Upstream HTTP/2, real nginx", .serialized)
struct UpstreamHTTP2Tests {
    static func shards(_ count: Int) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for index in 0..<count { files["shard/\(index).json"] = Array(#"{"results":[{"id":\#(index)}]}"#.utf8) }
        files["a.json"] = Array(#"{"results":[{"id":"a"}]}"#.utf8)
        // Sent at 1 KiB/s: still going at any test's deadline.
        files["slow.json"] = Array(repeating: UInt8(ascii: " "), count: 256 * 1024)
        return files
    }

    static func withNginx(_ test: (NginxUpstream, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.get()
        let tls = "ssl_certificate \(certificates.serverPEM); ssl_certificate_key \(certificates.serverKey);"
        let nginx = try await NginxUpstream.start([
            .init(name: "h2", listen: "ssl http2", directives: tls + " location /slow { limit_rate 1k; }"),
            .init(name: "h1", listen: "ssl", directives: tls),
            .init(name: "h2c", listen: "http2"),
        ], files: shards(50))
        defer { nginx.stop() }
        try await test(nginx, certificates)
    }

    static func route(_ name: String, _ upstreams: String, routeLevel: String, deadline: String = "3s") -> String {
        """
          - name: \(name)
            match: { path: /\(name) }
            deadline: \(deadline)
            \(routeLevel)
            upstreams:
        \(upstreams)
            merge: { mode: concat, items: /results }

        """
    }

    @Test("a 50-shard route over h2 multiplexes at most 2 connections; over h1 with max_connections: 2 too")
    func multiplexing() async throws {
        try await Self.withNginx { nginx, certs in
            let ca = "tls: { ca: \(certs.caPEM) }"
            let routes = "routes:\n"
                + Self.route("h2", "      - name: s\n        shards: 50\n        url: https://127.0.0.1:\(nginx.port("h2"))/shard/{shard}.json?h2",
                             routeLevel: ca)
                + Self.route("h1", "      - name: s\n        shards: 20\n        url: https://127.0.0.1:\(nginx.port("h1"))/shard/{shard}.json?h1",
                             routeLevel: ca + "\n    http: \"1.1\"\n    max_connections: 2")
            try await GatewayHarness.with([], routes: { _ in routes }) { gateway in
                for _ in 0..<3 {
                    let response = await gateway.get("/h2")
                    #expect(response.status == 200)
                    #expect(response["/items"]?.arrayValue?.count == 50, "\(response.text.prefix(500))")
                    #expect(response.header("Gather-Partial") == "false")
                }
                let h2 = await nginx.waitForLog("/shard", count: 150).filter { $0.uri.hasSuffix("?h2") }
                #expect(h2.count == 150)
                #expect(h2.allSatisfy { $0.protocolName == "HTTP/2.0" })
                #expect(Set(h2.map(\.connection)).count <= 2, "connections: \(Set(h2.map(\.connection)))")

                let response = await gateway.get("/h1")
                #expect(response["/items"]?.arrayValue?.count == 20)
                let h1 = await nginx.waitForLog("/shard", count: 170).filter { $0.uri.hasSuffix("?h1") }
                #expect(h1.count == 20)
                #expect(h1.allSatisfy { $0.protocolName == "HTTP/1.1" })
                #expect(Set(h1.map(\.connection)).count <= 2, "connections: \(Set(h1.map(\.connection)))")
            }
        }
    }

    @Test("http: \"2\" falls back to HTTP/1.1 when the server offers no h2; h2c speaks HTTP/2 without TLS")
    func fallbackAndH2C() async throws {
        try await Self.withNginx { nginx, certs in
            let upstreams = """
                      - name: alpn-h1
                        url: https://127.0.0.1:\(nginx.port("h1"))/a.json?fallback
                        http: "2"
                      - name: cleartext
                        url: http://127.0.0.1:\(nginx.port("h2c"))/a.json?h2c
                        http: h2c
                """
            let routes = "routes:\n" + Self.route("mixed", upstreams, routeLevel: "tls: { ca: \(certs.caPEM) }")
            try await GatewayHarness.with([], routes: { _ in routes }) { gateway in
                let response = await gateway.get("/mixed")
                #expect(response.upstreamStatus("alpn-h1") == "ok", "\(response.text)")
                #expect(response.upstreamStatus("cleartext") == "ok")
                let lines = await nginx.waitForLog("/a.json", count: 2)
                #expect(lines.first { $0.uri.hasSuffix("fallback") }?.protocolName == "HTTP/1.1")
                #expect(lines.first { $0.uri.hasSuffix("h2c") }?.protocolName == "HTTP/2.0")
            }
        }
    }

    @Test("a straggler aborted at the deadline resets its stream; the connection carries the next requests")
    func abortResetsOneStream() async throws {
        try await Self.withNginx { nginx, certs in
            let port = nginx.port("h2")
            let upstreams = """
                      - name: fast
                        url: https://127.0.0.1:\(port)/a.json?fast
                      - name: slow
                        url: https://127.0.0.1:\(port)/slow.json
                """
            let routes = "routes:\n" + Self.route("abort", upstreams, routeLevel: "tls: { ca: \(certs.caPEM) }", deadline: "300ms")
            try await GatewayHarness.with([], routes: { _ in routes }) { gateway in
                for _ in 0..<3 {
                    let response = await gateway.get("/abort")
                    #expect(response.upstreamStatus("fast") == "ok", "\(response.text)")
                    #expect(response.upstreamStatus("slow") == "timeout")
                }
                let fast = await nginx.waitForLog("/a.json?fast", count: 3)
                // nginx logs a stream when it ends: a slow one when the gateway's reset reaches it
                // (libcurl sends the last one with the connection's next frames, so 2 of 3 here).
                let slow = await nginx.waitForLog("/slow.json", count: 2)
                #expect(fast.count == 3)
                #expect(slow.count >= 2)
                // All six streams on one connection: each abort reset its stream and left the
                // connection open for the next request (closing it would have put each request on
                // a new one).
                #expect(Set((fast + slow).map(\.connection)).count == 1,
                        "fast on \(fast.map(\.connection)), slow on \(slow.map(\.connection))")
            }
        }
    }
}
