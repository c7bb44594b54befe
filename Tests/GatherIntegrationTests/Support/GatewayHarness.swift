import Foundation
import GatherCore
import GatherFixtures
import GatherServer
import Logging
import Testing

/// Real fixture backends on ephemeral ports and the real gateway on 127.0.0.1:0, wired by a
/// route file the test writes with the backends' actual ports.
final class GatewayHarness: Sendable {
    let fixtures: FixtureServer
    let gateway: GatewayServer
    let client: TestClient

    private init(fixtures: FixtureServer, gateway: GatewayServer) {
        self.fixtures = fixtures
        self.gateway = gateway
        self.client = TestClient(port: gateway.port)
    }

    /// `routes` gets each backend's bound port by name and returns route-file YAML.
    static func start(_ backends: [FixtureBackend], limits: ClientLimits = ClientLimits(), maxInFlight: Int = 10_000,
                      logger: Logger = quietLogger, accessLog: Bool = true, gzipMinimumBytes: Int? = 1024,
                      tls: ListenerCertificate? = nil,
                      routes: (_ ports: [String: Int]) -> String) async throws -> GatewayHarness {
        let fixtures = try await FixtureServer.start(FixtureSet(backends: backends), ephemeralPorts: true)
        let text = routes(fixtures.ports)
        let parsed = RouteLoader.parse(text: text, file: "test-routes.yaml", environment: [:], paths: RouteFileReader.lookUp)
        if !parsed.errors.isEmpty {
            try await fixtures.shutdown()
            throw HarnessError(description: parsed.errors.map(\.description).joined(separator: "\n"))
        }
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.adminHost = nil
        configuration.eventLoopThreads = 1
        configuration.transferThreads = 1
        configuration.limits = limits
        configuration.maxInFlight = maxInFlight
        configuration.accessLog = accessLog
        configuration.gzipMinimumBytes = gzipMinimumBytes
        configuration.tls = tls
        let gateway = try await GatewayServer.start(routes: parsed.routes, configuration: configuration,
                                                    logger: logger)
        return GatewayHarness(fixtures: fixtures, gateway: gateway)
    }

    /// The shipped `fixtures/` on ephemeral ports and the shipped `routes/`, their upstream
    /// ports rewritten to where the fixtures really listen: the files users run, tested as shipped.
    /// The shipped routes' `deadline:` and `timeout:` values, four times as long. They are set
    /// for the demo on an idle machine (200–500ms); a full parallel test run on two loaded cores
    /// has stretched a fixture's 5ms answer past 300ms (one run in thirty here), which turned a
    /// demo answer into a timeout. The tests check what the routes compose, and every stall in
    /// the shipped fixtures (5 s, 10 s) stays far beyond the longer limits, so each partial or
    /// hedged answer is still one. Hedge delays are kept.
    static func withRoomForLoad(_ routeFile: String) -> String {
        var lines: [String] = []
        for line in routeFile.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            for key in ["deadline: ", "timeout: "] {
                guard let keyRange = text.range(of: key) else { continue }
                let rest = text[keyRange.upperBound...]
                let digits = rest.prefix { $0.isNumber }
                guard let value = Int(digits) else { continue }
                let unit = rest.dropFirst(digits.count).prefix { $0.isLetter }
                guard unit == "ms" || unit == "s" else { continue }
                text.replaceSubrange(keyRange.upperBound..<rest.index(rest.startIndex, offsetBy: digits.count),
                                     with: String(value * 4))
            }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    static func startShipped() async throws -> GatewayHarness {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let set = try FixtureSet.load(directory: root.appendingPathComponent("fixtures").path)
        let fixtures = try await FixtureServer.start(set, ephemeralPorts: true)
        var routes: [Route] = []
        var errors: [String] = []
        let folder = root.appendingPathComponent("routes")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".yaml") {
            var text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for backend in set.backends {
                guard let port = fixtures.port(of: backend.name) else { continue }
                text = text.replacingOccurrences(of: "127.0.0.1:\(backend.port)/", with: "127.0.0.1:\(port)/")
            }
            text = Self.withRoomForLoad(text)
            // The full path: a route's relative tls files are read from its folder.
            let parsed = RouteLoader.parse(text: text, file: folder.appendingPathComponent(name).path, environment: [:],
                                           paths: RouteFileReader.lookUp)
            routes += parsed.routes
            errors += parsed.errors.map(\.description)
        }
        guard errors.isEmpty else {
            try await fixtures.shutdown()
            throw HarnessError(description: errors.joined(separator: "\n"))
        }
        var configuration = GatewayConfiguration()
        configuration.port = 0
        configuration.adminHost = nil
        configuration.eventLoopThreads = 1
        configuration.transferThreads = 1
        let gateway = try await GatewayServer.start(routes: routes, configuration: configuration,
                                                    logger: quietLogger)
        return GatewayHarness(fixtures: fixtures, gateway: gateway)
    }

    /// Tests that do not read the log keep it (and its access lines) out of their output.
    static let quietLogger = Logger(label: "gather-test") { _ in SwiftLogNoOpLogHandler() }

    func get(_ target: String, headers: [(String, String)] = []) async -> TestResponse {
        await client.get(target, headers: headers)
    }

    /// Waits (up to 10 s) until `backend` has accepted a connection: the request that opened it
    /// is then in flight at the gateway, however slow the machine is (5 s once ran out on a machine
    /// that also ran a benchmark on both cores).
    func waitForConnection(to backend: String, count: Int = 1) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while fixtures.connectionsAccepted(of: backend) < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(fixtures.connectionsAccepted(of: backend) >= count, "no connection reached \(backend)")
    }

    func stop() async {
        client.shutdown()
        await gateway.shutdown(drain: .seconds(1))
        try? await fixtures.shutdown()
    }

    /// Runs `body` against a started harness and always stops it, also when an expectation throws.
    static func with(_ backends: [FixtureBackend], limits: ClientLimits = ClientLimits(), maxInFlight: Int = 10_000,
                     logger: Logger = quietLogger, accessLog: Bool = true, gzipMinimumBytes: Int? = 1024,
                     tls: ListenerCertificate? = nil,
                     routes: (_ ports: [String: Int]) -> String,
                     _ body: (GatewayHarness) async throws -> Void) async throws {
        let harness = try await start(backends, limits: limits, maxInFlight: maxInFlight, logger: logger,
                                      accessLog: accessLog, gzipMinimumBytes: gzipMinimumBytes, tls: tls, routes: routes)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}
