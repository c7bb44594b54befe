import Foundation
import GatherCore
import GatherServer
import Logging

/// Reloads route files on SIGHUP or when they change; a broken file keeps the old routes.
// @unchecked: `fingerprint` and `timer` are touched only on its serial `queue`.
final class RouteReloader: @unchecked Sendable {
    private let paths: [String]
    private let server: GatewayServer
    private let logger: Logger
    private let queue = DispatchQueue(label: "gather.reload")
    private var fingerprint: [String: Date] = [:]
    private var timer: DispatchSourceTimer?

    init(paths: [String], server: GatewayServer, logger: Logger) {
        self.paths = paths
        self.server = server
        self.logger = logger
    }

    func reload(reason: String) {
        queue.async { self.reloadNow(reason: reason) }
    }

    private func reloadNow(reason: String) {
        switch RouteFileReader.load(paths, environment: ProcessInfo.processInfo.environment) {
        case .success(let routes):
            let previous = server.routes
            server.reload(routes: routes)
            var fields = RouteLogFields.summary(routes)
            fields.merge(RouteLogFields.changes(from: previous, to: routes)) { $1 }
            fields["reason"] = "\(reason)"
            logger.info("routes reloaded", metadata: fields)
            for warning in RouteWarning.check(routes) {
                logger.warning("route file warning", metadata: ["warning": "\(warning)"])
            }
        case .failure(let failure):
            server.reloadFailed()
            for error in failure.errors {
                logger.error("route reload failed; keeping the previous routes",
                             metadata: ["error": "\(error)", "reason": "\(reason)"])
            }
        }
    }

    /// Polls modification times once a second: portable, and route folders are small.
    func watch() {
        queue.async {
            self.fingerprint = self.currentFingerprint()
            let timer = DispatchSource.makeTimerSource(queue: self.queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                let now = self.currentFingerprint()
                if now != self.fingerprint {
                    self.fingerprint = now
                    self.reloadNow(reason: "file change")
                }
            }
            timer.resume()
            self.timer = timer
        }
    }

    func stopWatching() {
        queue.async {
            self.timer?.cancel()
            self.timer = nil
        }
    }

    private func currentFingerprint() -> [String: Date] {
        let manager = FileManager.default
        var result: [String: Date] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? ((try? manager.contentsOfDirectory(atPath: path)) ?? []).map { (path as NSString).appendingPathComponent($0) }
                : [path]
            for file in files {
                if let date = (try? manager.attributesOfItem(atPath: file))?[.modificationDate] as? Date {
                    result[file] = date
                }
            }
        }
        return result
    }
}
