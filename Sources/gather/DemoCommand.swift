import ArgumentParser
import GatherCore
import GatherFixtures
import GatherServer
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the shipped fixtures and the gateway over the shipped routes, and print curl lines to try.")

    @Option(help: "Folder of fixture files.")
    var fixtures = "fixtures"

    @Option(name: .customLong("routes"), help: "A route file or a folder of them (repeatable).")
    var routes: [String] = ["routes"]

    @Option(help: "Public listener of the gateway.")
    var listen = HostPort(host: "127.0.0.1", port: 8080)

    @Option(help: "Admin listener of the gateway.")
    var admin = HostPort(host: "127.0.0.1", port: 9901)

    func run() async throws {
        LoggingSetup.bootstrap(format: .text, level: .warning)
        let set = try FixtureLoading.load(fixtures)
        guard let loaded = RouteLoading.load(routes) else { throw ExitCode.failure }
        let backends = try await FixtureServer.start(set)
        var configuration = GatewayConfiguration()
        configuration.host = listen.host
        configuration.port = listen.port
        configuration.adminHost = admin.host
        configuration.adminPort = admin.port
        if let writer = LoggingSetup.writer { configuration.droppedLogLines = { writer.droppedLines } }
        let gateway = try await GatewayServer.start(routes: loaded, configuration: configuration,
                                                    logger: Logger(label: "gather"))
        gateway.bootstrapMetricsSystem()
        let banner = Self.banner(backends: set.backends.count, routes: loaded, listen: listen, admin: admin,
                                 port: gateway.port, adminPort: gateway.adminPort ?? 0)
        try await UntilShutdownService.run(logger: Logger(label: "gather"), started: { StandardOutput.print(banner) }) {
            await gateway.shutdown(drain: .seconds(2))
            try await backends.shutdown()
        }
    }

    private static func banner(backends: Int, routes: [Route], listen: HostPort, admin: HostPort,
                               port: Int, adminPort: Int) -> String {
        var lines = ["gather demo: \(backends) simulated backends, \(routes.count) routes, "
            + "gateway on http://\(listen.host):\(port), admin on http://\(admin.host):\(adminPort)", ""]
        for example in DemoExamples.all where routes.contains(where: { $0.name == example.route }) {
            lines += ["# \(example.title)", example.curl(host: listen.host, port: port), ""]
        }
        lines.append("Ctrl-C stops the demo.")
        return lines.joined(separator: "\n")
    }
}
