import Foundation
import GatherCore
import Testing

/// HTTP/2 connections under concurrent load, counted at a real nginx: a transfer thread keeps
/// at most 100 streams in flight per host (the rest wait in gather), so libcurl never finds its
/// connection full and never opens more (libcurl 7.88 would open one per further transfer, up to
/// `max_connections`). The harness runs one transfer thread: the bound is 1 connection.
@Suite("Upstream HTTP/2 connections under load, real nginx", .serialized)
struct UpstreamHTTP2ConnectionTests {
    static func files() -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for index in 0..<200 { files["shard/\(index).json"] = Array(#"{"results":[{"id":\#(index)}]}"#.utf8) }
        // Sent at 1 KiB/s: still going at any test's deadline.
        for index in 0..<150 { files["slow/\(index).json"] = Array(repeating: UInt8(ascii: " "), count: 8 * 1024) }
        return files
    }

    static func withNginx(_ test: (NginxUpstream, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.get()
        // nginx's own http2_max_concurrent_streams (128) stays: above the 100 gather runs at once.
        // keepalive_requests counts streams: high, so nginx never closes the connection mid-test.
        let directives = "ssl_certificate \(certificates.serverPEM); ssl_certificate_key \(certificates.serverKey);"
            + " keepalive_requests 100000; location /slow { limit_rate 1k; }"
        let nginx = try await NginxUpstream.start([.init(name: "h2", listen: "ssl http2", directives: directives)],
                                                  files: files())
        defer { nginx.stop() }
        try await test(nginx, certificates)
    }

    static func routes(port: Int, ca: String) -> String {
        "routes:\n" + route("shards", shards: 200, deadline: "10s", port: port, ca: ca)
            + route("slow", shards: 150, deadline: "1s", port: port, ca: ca)
    }

    /// `/NAME` fans out to `shards` shards at `/NAME/{shard}.json` (nginx's `shards` and `slow` paths).
    private static func route(_ name: String, shards: Int, deadline: String, port: Int, ca: String) -> String {
        let folder = name == "shards" ? "shard" : name
        return """
              - name: \(name)
                match: { path: /\(name) }
                deadline: \(deadline)
                tls: { ca: \(ca) }
                upstreams:
                  - name: s
                    shards: \(shards)
                    url: https://127.0.0.1:\(port)/\(folder)/{shard}.json
                merge: { mode: concat, items: /results }

            """
    }

    @Test("200 shards × 4 concurrent requests, twice: 1,600 HTTP/2 requests on 1 connection")
    func concurrentFanOutsShareOneConnection() async throws {
        try await Self.withNginx { nginx, certs in
            try await GatewayHarness.with([], routes: { _ in Self.routes(port: nginx.port("h2"), ca: certs.caPEM) }) { gateway in
                for _ in 0..<2 {
                    let counts = await withTaskGroup(of: Int.self) { group in
                        for _ in 0..<4 {
                            group.addTask { await gateway.get("/shards")["/items"]?.arrayValue?.count ?? -1 }
                        }
                        return await group.reduce(into: [Int]()) { $0.append($1) }
                    }
                    #expect(counts == [200, 200, 200, 200])
                }
                let lines = await nginx.waitForLog("/shard/", count: 1600)
                #expect(lines.count == 1600)
                #expect(lines.allSatisfy { $0.protocolName == "HTTP/2.0" && $0.status == 200 })
                // 800 transfers at once, 100 per host on one transfer thread: one connection.
                // Without the slots libcurl opened up to 64 (max_connections) here.
                let connections = Set(lines.map(\.connection))
                #expect(connections.count == 1, "connections: \(connections.sorted())")
            }
        }
    }

    @Test("transfers waiting for a stream slot end at the deadline and give their turn back")
    func waitingTransfersEndAtTheDeadline() async throws {
        try await Self.withNginx { nginx, certs in
            try await GatewayHarness.with([], routes: { _ in Self.routes(port: nginx.port("h2"), ca: certs.caPEM) }) { gateway in
                // 150 slow shards: 100 run, 50 wait; the 1 s deadline ends them all.
                let started = ContinuousClock.now
                let slow = await gateway.get("/slow")
                #expect(ContinuousClock.now - started < .seconds(8), "the deadline did not end the waiting transfers")
                let statuses = (0..<150).compactMap { slow.upstreamStatus("s-\($0)") }
                #expect(statuses.count == 150, "\(slow.text.prefix(300))")
                #expect(statuses.allSatisfy { $0 == "timeout" }, "\(Set(statuses))")
                // Every slot came back: a full fan-out to the same host runs at once.
                let fast = await gateway.get("/shards")
                #expect(fast["/items"]?.arrayValue?.count == 200, "\(fast.text.prefix(300))")
                #expect(fast.header("Gather-Partial") == "false")
            }
        }
    }
}
