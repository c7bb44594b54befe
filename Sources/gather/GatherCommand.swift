import ArgumentParser
import Foundation

@main
struct GatherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gather",
        abstract: "A scatter-gather aggregation gateway: one request in, many upstreams out, one honest answer back.",
        subcommands: [ServeCommand.self, CheckCommand.self, FixturesCommand.self, DemoCommand.self])

    /// ArgumentParser exits 64 on usage errors; the contract says 2, as most Unix tools do.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                StandardError.print(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
