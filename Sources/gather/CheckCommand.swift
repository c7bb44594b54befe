import ArgumentParser
import GatherCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate route files: one summary line per route, or every error as FILE:LINE:COL: message.")

    @Option(name: .customLong("routes"), help: "A route file or a folder of them (repeatable).")
    var routes: [String] = ["routes"]

    func run() throws {
        guard let loaded = RouteLoading.load(routes) else { throw ExitCode.failure }
        for route in loaded {
            StandardOutput.print(RouteSummary.line(for: route))
        }
        // Warnings do not fail the check: the files load as they are.
        for warning in RouteWarning.check(loaded) {
            StandardError.print(warning.description)
        }
    }
}
