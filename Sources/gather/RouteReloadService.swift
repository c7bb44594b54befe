import ServiceLifecycle
import UnixSignals

/// Reloads the routes on every SIGHUP (and, with `--watch`, on file changes) until shutdown.
struct RouteReloadService: Service {
    let reloader: RouteReloader
    /// Trapped before `serve` says it listens, so an early SIGHUP reloads instead of killing it.
    let hangups: UnixSignalsSequence
    let watch: Bool

    func run() async throws {
        if watch { reloader.watch() }
        defer { reloader.stopWatching() }
        for await _ in hangups.cancelOnGracefulShutdown() {
            reloader.reload(reason: "SIGHUP")
        }
    }
}
