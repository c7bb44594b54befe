import GatherServer
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the routes on every SIGHUP (and, with `--watch`, on file changes) until shutdown.
struct RouteReloadService: Service {
    let reloader: RouteReloader
    /// Trapped before `serve` says it listens, so an early SIGHUP reloads instead of killing it.
    let hangups: UnixSignalsSequence
    let watch: Bool
    /// The HTTPS listener's certificate and key, read again on each SIGHUP (a bad pair keeps the
    /// old one, and the log says why).
    var certificate: ListenerCertificate? = nil
    var logger: Logger? = nil

    func run() async throws {
        if watch { reloader.watch() }
        defer { reloader.stopWatching() }
        for await _ in hangups.cancelOnGracefulShutdown() {
            reloader.reload(reason: "SIGHUP")
            if let certificate { reloadCertificate(certificate) }
        }
    }

    private func reloadCertificate(_ certificate: ListenerCertificate) {
        do {
            try certificate.reload()
            logger?.info("certificate reloaded", metadata: [
                "cert": "\(certificate.certificatePath)", "key": "\(certificate.keyPath)", "reason": "SIGHUP",
            ])
        } catch {
            logger?.error("certificate reload failed; still serving the previous certificate", metadata: [
                "error": "\(error)", "reason": "SIGHUP",
            ])
        }
    }
}
