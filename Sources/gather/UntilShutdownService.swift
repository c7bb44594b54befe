import Logging
import ServiceLifecycle

/// For `demo` and `fixtures`: waits for SIGTERM/SIGINT, then runs `stop`.
struct UntilShutdownService: Service {
    let stop: @Sendable () async throws -> Void

    func run() async throws {
        try? await gracefulShutdown()
        try await stop()
    }

    /// Runs until SIGTERM or SIGINT, then `stop`.
    static func run(logger: Logger, stop: @escaping @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(services: [UntilShutdownService(stop: stop)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
