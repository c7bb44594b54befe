import ArgumentParser
import GatherFixtures

/// Loads a fixtures folder for the commands, printing every error and failing with exit 1.
enum FixtureLoading {
    static func load(_ directory: String) throws -> FixtureSet {
        do {
            return try FixtureSet.load(directory: directory)
        } catch {
            StandardError.print("\(error)")
            throw ExitCode.failure
        }
    }
}
