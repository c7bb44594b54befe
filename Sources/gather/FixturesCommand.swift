import ArgumentParser
import GatherFixtures
import Logging

struct FixturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures", abstract: "Serve the simulated backends described in a fixtures folder.")

    @Option(help: "Folder of fixture files.")
    var dir = "fixtures"

    func run() async throws {
        let set = try FixtureLoading.load(dir)
        let server = try await FixtureServer.start(set)
        let summary = set.summaryLines(ports: server.ports)
        var logger = Logger(label: "gather-fixtures")
        logger.logLevel = .warning
        try await UntilShutdownService.run(logger: logger, started: { summary.forEach { StandardOutput.print($0) } }) {
            try await server.shutdown()
        }
    }
}
