import Dispatch
import Foundation

/// Turns SIGTERM/SIGINT into a return and SIGHUP into a reload callback.
enum SignalWaiter {
    static func waitForStop(onReload: @escaping @Sendable () -> Void) async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "gather.signals")
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: name) }
                }
                source.resume()
                sources.append(source)
            }
            signal(SIGHUP, SIG_IGN)
            let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            hangup.setEventHandler(handler: onReload)
            hangup.resume()
            sources.append(hangup)
            SignalSources.keep(sources)
        }
    }
}

/// Dispatch sources stop when released; the process keeps them for its whole life.
enum SignalSources {
    nonisolated(unsafe) private static var kept: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { kept.append(contentsOf: sources) }
}

final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
