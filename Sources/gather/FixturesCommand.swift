import ArgumentParser
import GatherFixtures

struct FixturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures", abstract: "Serve the simulated backends described in a fixtures folder.")

    @Option(help: "Folder of fixture files.")
    var dir = "fixtures"

    func run() async throws {
        let set: FixtureSet
        do {
            set = try FixtureSet.load(directory: dir)
        } catch {
            StandardError.print("\(error)")
            throw ExitCode.failure
        }
        let server = try await FixtureServer.start(set)
        for backend in set.backends {
            let paths = backend.paths.map(\.path).joined(separator: " ")
            print("\(backend.name) on 127.0.0.1:\(server.port(of: backend.name) ?? backend.port): \(paths)")
        }
        _ = await SignalWaiter.waitForStop(onReload: {})
        try await server.shutdown()
    }
}
