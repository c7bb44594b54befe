import GatherCore
import GatherFixtures
import GatherServer
import Logging
import Synchronization

/// Fixture backends plus a gateway whose admin listener is on an ephemeral port.
final class AdminTestbed: Sendable {
    let fixtures: FixtureServer
    let server: GatewayServer
    let gateway: TestClient
    let admin: TestClient
    /// Set by a test that shuts the gateway down itself: a second `shutdown` would hang.
    let serverStopped = Atomic(false)

    private init(fixtures: FixtureServer, server: GatewayServer, adminPort: Int) {
        self.fixtures = fixtures
        self.server = server
        gateway = TestClient(port: server.port)
        admin = TestClient(port: adminPort)
    }

    static func with(_ backends: [FixtureBackend], routes: ([String: Int]) -> String,
                     _ body: (AdminTestbed) async throws -> Void) async throws {
        let fixtures = try await FixtureServer.start(FixtureSet(backends: backends), ephemeralPorts: true)
        let parsed = RouteLoader.parse(text: routes(fixtures.ports), file: "admin-routes.yaml", environment: [:])
        guard parsed.errors.isEmpty else {
            try await fixtures.shutdown()
            throw HarnessError(description: parsed.errors.map(\.description).joined(separator: "\n"))
        }
        let server: GatewayServer
        do {
            server = try await startGateway(routes: parsed.routes)
        } catch {
            try? await fixtures.shutdown()
            throw error
        }
        guard let adminPort = server.adminPort else {
            await server.shutdown(drain: .zero)
            try? await fixtures.shutdown()
            throw HarnessError(description: "the admin listener did not bind")
        }
        let bed = AdminTestbed(fixtures: fixtures, server: server, adminPort: adminPort)
        var failure: Error?
        do { try await body(bed) } catch { failure = error }
        bed.gateway.shutdown()
        bed.admin.shutdown()
        if !bed.serverStopped.load(ordering: .acquiring) { await server.shutdown(drain: .seconds(1)) }
        try? await fixtures.shutdown()
        if let failure { throw failure }
    }

    /// A quiet gateway on an ephemeral port with its admin listener on another; one event loop
    /// and one transfer thread, as every integration test uses.
    static func startGateway(routes: [Route]) async throws -> GatewayServer {
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.adminHost = "127.0.0.1"
        configuration.adminPort = 0
        configuration.eventLoopThreads = 1
        configuration.transferThreads = 1
        return try await GatewayServer.start(routes: routes, configuration: configuration,
                                             logger: GatewayHarness.quietLogger)
    }
}
