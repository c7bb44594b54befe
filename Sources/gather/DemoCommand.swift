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
        let gateway = try await GatewayServer.start(routes: loaded, configuration: configuration,
                                                    logger: Logger(label: "gather"))
        gateway.bootstrapMetricsSystem()
        print("gather demo: \(set.backends.count) simulated backends, \(loaded.count) routes, "
              + "gateway on http://\(listen.host):\(gateway.port), admin on http://\(admin.host):\(gateway.adminPort ?? 0)")
        print("")
        for example in DemoExamples.all where loaded.contains(where: { $0.name == example.route }) {
            print("# \(example.title)")
            print(example.curl(host: listen.host, port: gateway.port))
            print("")
        }
        print("Ctrl-C stops the demo.")
        try await UntilShutdownService.run(logger: Logger(label: "gather")) {
            await gateway.shutdown(drain: .seconds(2))
            try await backends.shutdown()
        }
    }
}
