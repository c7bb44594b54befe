import Logging
import ServiceLifecycle

/// For `demo` and `fixtures`: says it is ready, waits for SIGTERM/SIGINT, then runs `stop`.
struct UntilShutdownService: Service {
    /// Runs once the group traps SIGTERM/SIGINT: a reader of its output may signal at once.
    let started: @Sendable () -> Void
    let stop: @Sendable () async throws -> Void

    func run() async throws {
        started()
        try? await gracefulShutdown()
        try await stop()
    }

    /// Runs `started`, then waits until SIGTERM or SIGINT, then runs `stop`.
    static func run(logger: Logger, started: @escaping @Sendable () -> Void,
                    stop: @escaping @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(services: [UntilShutdownService(started: started, stop: stop)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
