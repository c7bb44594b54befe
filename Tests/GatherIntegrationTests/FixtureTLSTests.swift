import Foundation
import GatherCore
import GatherFixtures
import Testing

/// Fixture backends over HTTPS with HTTP/2 by ALPN (`tls:` in a fixture file), and the shipped
/// route that fronts one behind the demo's private CA.
@Suite("Fixtures over TLS and HTTP/2", .serialized)
struct FixtureTLSTests {
    private static let dripBody = #"{"total":1,"results":[{"url":"https://a.example/drip","title":"https://a.example/drip"}]}"#

    private static func backend(_ certificates: TestCertificates) -> FixtureBackend {
        FixtureBackend(name: "secure", paths: [
            FixturePath(path: "/a", body: Backends.results(["https://a.example/1"])),
            FixturePath(path: "/drip", body: Backends.results(["https://a.example/drip"]),
                        drip: FixtureDrip(rate: 1, chunk: 8, every: .milliseconds(1))),
            FixturePath(path: "/garbage", body: Backends.results([]), garbage: 1),
        ], tls: FixtureTLS(certificatePath: certificates.serverPEM, keyPath: certificates.serverKey))
    }

    @Test("ALPN: h2 for curl --http2, HTTP/1.1 for --http1.1; a dripped body arrives whole; garbage resets the stream")
    func servesBoth() async throws {
        let certificates = try TestCertificates.get()
        let fixtures = try await FixtureServer.start(FixtureSet(backends: [Self.backend(certificates)]), ephemeralPorts: true)
        do {
            let base = "https://localhost:\(fixtures.port(of: "secure")!)"
            for (flag, version) in [("--http2", "2"), ("--http1.1", "1.1")] {
                let answer = try await CurlCommand.run(base + "/a", ["--cacert", certificates.caPEM, flag])
                #expect(answer.status == 200, "\(answer.stderr)")
                #expect(answer.version == version)
                #expect(answer.body.contains("https://a.example/1"))
                #expect(answer.headers["x-fixture-backend"] == "secure")
                let dripped = try await CurlCommand.run(base + "/drip", ["--cacert", certificates.caPEM, flag])
                #expect(dripped.status == 200)
                #expect(dripped.body == Self.dripBody)
                #expect(try await CurlCommand.run(base + "/nope", ["--cacert", certificates.caPEM, flag]).status == 404)
            }
            let garbage = try await CurlCommand.run(base + "/garbage", ["--cacert", certificates.caPEM, "--http2"])
            #expect(garbage.status == 0, "no answer: the stream was reset")
            #expect(garbage.stderr.contains("HTTP/2 stream"), "\(garbage.stderr)")
            let untrusted = try await CurlCommand.run(base + "/a", ["--http2"])
            #expect(untrusted.status == 0)
            #expect(untrusted.stderr.contains("unable to get local issuer certificate"), "\(untrusted.stderr)")
        } catch {
            try? await fixtures.shutdown()
            throw error
        }
        try await fixtures.shutdown()
    }

    @Test("shipped inventory route: four shards over HTTPS h2 behind the demo CA, on one connection")
    func shippedInventory() async throws {
        let harness = try await GatewayHarness.startShipped()
        for _ in 0..<3 {
            let response = await harness.get("/inventory")
            #expect(response.status == 200, "\(response.text.prefix(400))")
            #expect(response["/items"]?.arrayValue?.count == 6)
            #expect(response.header("Gather-Partial") == "false")
            #expect(response["/upstreams/warehouse-3/status"] == .string("ok"))
        }
        #expect(harness.fixtures.connectionsAccepted(of: "warehouse") == 1,
                "12 requests multiplexed: \(harness.fixtures.connectionsAccepted(of: "warehouse")) connections")
        await harness.stop()
    }
}
