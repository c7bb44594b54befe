import Foundation
import GatherCore
import GatherTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Compressed upstream answers against a real nginx: gzip (nginx's gzip filter), br (the brotli
/// filter), zstd (a file compressed by `zstd` at test time, served with its Content-Encoding),
/// a route that sets its own Accept-Encoding, and a gzip bomb that is `too_large`.
@Suite("Upstream compression, real nginx", .serialized)
struct UpstreamCompressionTests {
    /// 300 items: 10 KiB of JSON that compresses well.
    static let document: [UInt8] = {
        let items = (0..<300).map { #"{"id":\#($0),"title":"item number \#($0)"}"# }.joined(separator: ",")
        return Array(#"{"results":[\#(items)]}"#.utf8)
    }()

    static func compressed(_ tool: String, _ arguments: [String], _ bytes: [UInt8]) async throws -> [UInt8] {
        let folder = NSTemporaryDirectory() + "gather-compress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/in"))
        let result = try await ChildProcess.run("/bin/sh", ["-c", "< in \(tool) \(arguments.joined(separator: " ")) > out"], in: folder)
        guard result.status == 0 else { throw NginxUpstream.Failure(description: "\(tool) failed: \(result.output)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/out")))
    }

    static func withNginx(_ files: [String: [UInt8]] = [:], _ test: (NginxUpstream) async throws -> Void) async throws {
        var all = files
        all["doc.json"] = document
        all["doc.zst"] = try await compressed("zstd", ["-q", "-c"], document)
        let nginx = try await NginxUpstream.start([
            .init(name: "gzip", listen: "", directives: "gzip on; gzip_types application/json; gzip_min_length 0;"),
            .init(name: "br", listen: "", directives: "brotli on; brotli_types application/json; brotli_min_length 0;"),
            // Pre-compressed files, sent as they are with the Content-Encoding they were made with.
            .init(name: "files", listen: "", directives: """
                location = /doc.zst { add_header Content-Encoding zstd; }
                    location = /bomb.gz { add_header Content-Encoding gzip; }
                """),
        ], files: all)
        defer { nginx.stop() }
        try await test(nginx)
    }

    @Test("gzip, br and zstd answers are asked for, decoded and merged; a route's own Accept-Encoding wins")
    func decoded() async throws {
        try await Self.withNginx { nginx in
            let routes = """
                routes:
                  - name: c
                    match: { path: /c }
                    deadline: 3s
                    upstreams:
                      - name: gzip
                        url: http://127.0.0.1:\(nginx.port("gzip"))/doc.json
                      - name: br
                        url: http://127.0.0.1:\(nginx.port("br"))/doc.json
                      - name: zstd
                        url: http://127.0.0.1:\(nginx.port("files"))/doc.zst
                      - name: identity
                        url: http://127.0.0.1:\(nginx.port("gzip"))/doc.json?identity
                        headers: { Accept-Encoding: identity }
                    merge: { mode: concat, items: /results }
                  - name: first
                    match: { path: /first }
                    deadline: 3s
                    complete: first
                    upstreams:
                      - name: gzip
                        url: http://127.0.0.1:\(nginx.port("gzip"))/doc.json?first
                """
            try await GatewayHarness.with([], routes: { _ in routes }) { gateway in
                let response = await gateway.get("/c")
                #expect(response.status == 200, "\(response.text.prefix(300))")
                for name in ["gzip", "br", "zstd", "identity"] {
                    #expect(response.upstreamStatus(name) == "ok", "\(name): \(response.text.prefix(300))")
                    #expect(response["/upstreams/\(name)/count"]?.numberValue == 300)
                }
                #expect(response["/items"]?.arrayValue?.count == 1200)
                let lines = await nginx.waitForLog("/doc", count: 4)
                #expect(lines.first { $0.uri == "/doc.json" && $0.contentEncoding == "gzip" }?.acceptEncoding == "gzip, br, zstd")
                #expect(lines.contains { $0.uri == "/doc.json" && $0.contentEncoding == "br" })
                #expect(lines.contains { $0.uri == "/doc.zst" && $0.contentEncoding == "zstd" })
                let identity = lines.first { $0.uri.hasSuffix("identity") }
                #expect(identity?.acceptEncoding == "identity")
                #expect(identity?.contentEncoding == "-")

                // complete: first: the winner's gzip passed on (this client, libcurl, decodes it);
                // FirstPassthroughTests reads the bytes as they come.
                let first = await gateway.get("/first", headers: [("Accept-Encoding", "gzip")])
                #expect(first.status == 200)
                #expect(first.body == Self.document)
                #expect(first.header("Content-Encoding") == "gzip")
                #expect(await nginx.waitForLog("/doc.json?first", count: 1).first?.contentEncoding == "gzip")
            }
        }
    }

    @Test("a gzip bomb (128 MiB of zeros in 570 KiB) is too_large at max_body, and gather serve stays under 100 MiB RSS")
    func bomb() async throws {
        // 128 MiB of zeros: held whole, it alone would pass the 100 MiB bound. Made at low
        // priority, so the tests running beside this one keep their CPU.
        let bomb = try await Self.compressed("head -c 134217728 /dev/zero | nice -n 19 gzip", ["-1", "-c"], [])
        #expect(bomb.count > 100 * 1024 && bomb.count < 1 << 20)
        try await Self.withNginx(["bomb.gz": bomb]) { nginx in
            let folder = NSTemporaryDirectory() + "gather-bomb-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try """
                routes:
                  - name: bomb
                    match: { path: /bomb }
                    deadline: 5s
                    upstreams:
                      - name: bomb
                        url: http://127.0.0.1:\(nginx.port("files"))/bomb.gz
                        max_body: 8MiB
                      - name: doc
                        url: http://127.0.0.1:\(nginx.port("gzip"))/doc.json
                    merge: { mode: concat, items: /results }
                """.write(toFile: folder + "/bomb.yaml", atomically: true, encoding: .utf8)
            let serve = try await ServeProcess.start(["--routes", folder + "/bomb.yaml", "--access-log", "off"])
            let client = TestClient(port: serve.port)
            defer { client.shutdown() }
            for _ in 0..<3 {
                let response = await client.get("/bomb")
                #expect(response.upstreamStatus("bomb") == "too_large", "\(response.text.prefix(300))")
                #expect(response.upstreamStatus("doc") == "ok")
            }
            let status = (try? String(contentsOfFile: "/proc/\(serve.pid)/status", encoding: .utf8)) ?? ""
            let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
                .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? Int.max
            #expect(peak < 100 * 1024, "peak RSS \(peak) KiB")
            serve.send(SIGTERM)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
        }
    }
}
