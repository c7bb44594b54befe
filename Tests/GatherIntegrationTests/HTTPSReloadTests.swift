import Foundation
import GatherFixtures
import GatherTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gather serve --tls-cert --tls-key`, the real executable: SIGHUP reads the pair again; a bad
/// pair keeps the old one and the log says why; a bad pair at start is a clear exit 1.
@Suite("gather serve over HTTPS: certificate reload", .serialized)
struct HTTPSReloadTests {
    /// The subject of the certificate a new connection is served (curl -k -v says it).
    private static func servedSubject(port: Int) async throws -> String {
        let response = try await CurlCommand.run("https://127.0.0.1:\(port)/search", ["-k", "-v", "--http2"])
        let line = response.stderr.split(separator: "\n").first { $0.contains("subject:") } ?? ""
        return String(line)
    }

    private static func copy(_ from: String, to: String) throws {
        // One rename, so a reload never reads half a file.
        let staging = to + ".staging"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.copyItem(atPath: from, toPath: staging)
        guard rename(staging, to) == 0 else { throw ServeProcess.Failure(description: "rename failed: \(errno)") }
    }

    @Test("SIGHUP swaps the certificate for new connections; a mismatched pair keeps the old one and logs why")
    func reload() async throws {
        let certificates = try TestCertificates.get()
        let fixtures = try await FixtureServer.start(FixtureSet(backends: [Backends.fast("a", urls: ["https://a.example/1"])]),
                                                     ephemeralPorts: true)
        let folder = NSTemporaryDirectory() + "gather-https-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            routes:
              - name: search
                match: { path: /search }
                deadline: 2s
                upstreams:
                  - { name: a, url: "http://127.0.0.1:\(fixtures.ports["a"]!)/search" }
                merge: { items: /results }

            """.write(toFile: folder + "/routes.yaml", atomically: true, encoding: .utf8)
        let cert = folder + "/tls.pem", key = folder + "/tls.key"
        try Self.copy(certificates.serverPEM, to: cert)
        try Self.copy(certificates.serverKey, to: key)
        let serve = try await ServeProcess.start(["--routes", folder, "--tls-cert", cert, "--tls-key", key])
        defer { Task { await serve.stop(); try? await fixtures.shutdown() } }

        let answer = try await CurlCommand.run("https://localhost:\(serve.port)/search", ["--cacert", certificates.caPEM, "--http2"])
        #expect(answer.status == 200, "\(answer.stderr)")
        #expect(answer.version == "2")
        #expect(try await Self.servedSubject(port: serve.port).contains("CN=api.internal"))

        // Another valid pair (the client certificate and its key): served after SIGHUP.
        try Self.copy(certificates.clientPEM, to: cert)
        try Self.copy(certificates.clientKey, to: key)
        serve.send(SIGHUP)
        #expect(await serve.waitForStderr("certificate reloaded", within: .seconds(10)), "\(serve.stderr)")
        #expect(try await Self.servedSubject(port: serve.port).contains("CN=gather client"))

        // A key that is not the certificate's: refused, the previous pair stays.
        try Self.copy(certificates.serverPEM, to: cert)
        serve.send(SIGHUP)
        #expect(await serve.waitForStderr("certificate reload failed", within: .seconds(10)), "\(serve.stderr)")
        #expect(serve.stderr.contains("--tls-key '\(key)'"), "\(serve.stderr)")
        #expect(try await Self.servedSubject(port: serve.port).contains("CN=gather client"))
        #expect(serve.isRunning)

        serve.send(SIGTERM)
        #expect(await serve.waitForExit(within: .seconds(10)) == 0)
    }

    @Test("a bad pair at start: exit 1 naming the file; only one of the two flags: a usage error")
    func badStart() async throws {
        let certificates = try TestCertificates.get()
        let mismatched = try await ChildProcess.run(CheckCommandTests.gatherBinary.path, [
            "serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--routes", "routes",
            "--tls-cert", certificates.serverPEM, "--tls-key", certificates.clientKey,
        ])
        #expect(mismatched.status == 1)
        #expect(mismatched.output.contains("gather: --tls-key '\(certificates.clientKey)': "), "\(mismatched.output)")
        let alone = try await ChildProcess.run(CheckCommandTests.gatherBinary.path, ["serve", "--tls-cert", certificates.serverPEM])
        #expect(alone.status != 0)
        #expect(alone.output.contains("--tls-cert and --tls-key go together"), "\(alone.output)")
    }
}
