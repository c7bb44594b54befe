import GatherCore
import NIOCore
import Synchronization

/// The live, shared state of one served backend: its generator, counters and open connections.
/// Connections of one backend run on different event loops, so everything here is behind a lock.
final class FixtureBackendRuntime: Sendable {
    let backend: FixtureBackend
    private struct Live {
        /// Every random decision of this backend: with the same seed it misbehaves in exactly the
        /// same order on every run, so a flaky demo or test is reproducible by construction.
        var generator: SplitMixGenerator
        var accepted = 0
        var served = 0
        var openChannels: [ObjectIdentifier: Channel] = [:]
    }

    private let live: Mutex<Live>

    init(backend: FixtureBackend) {
        self.backend = backend
        live = Mutex(Live(generator: SplitMixGenerator(seed: backend.seed)))
    }

    func route(method: String, path: String) -> PathMatch {
        PathMatch.match(method: method, path: path, in: backend.paths)
    }

    /// Draws under the lock: the backend's sequence is one stream, in arrival order.
    func nextPlan(for path: FixturePath) -> FixturePlan {
        live.withLock { FixturePlan.draw(for: path, using: &$0.generator) }
    }

    func connectionOpened(_ channel: Channel) {
        live.withLock {
            $0.accepted += 1
            $0.openChannels[ObjectIdentifier(channel)] = channel
        }
    }

    func connectionClosed(_ channel: Channel) {
        _ = live.withLock { $0.openChannels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func noteServed() {
        live.withLock { $0.served += 1 }
    }

    var connectionsAccepted: Int { live.withLock { $0.accepted } }
    var requestsServed: Int { live.withLock { $0.served } }
    var channels: [Channel] { live.withLock { Array($0.openChannels.values) } }

    /// The outcome of matching a request line against a backend's paths.
    enum PathMatch {
        case found(FixturePath)
        /// The path exists but not for this method; carries the methods that would match.
        case methodNotAllowed(allowed: [String])
        case notFound

        /// Exact path match; an entry naming the method wins over one that accepts any method.
        static func match(method: String, path: String, in paths: [FixturePath]) -> PathMatch {
            let candidates = paths.filter { $0.path == path }
            guard !candidates.isEmpty else { return .notFound }
            if let exact = candidates.first(where: { $0.method == method }) { return .found(exact) }
            if let any = candidates.first(where: { $0.method == nil }) { return .found(any) }
            return .methodNotAllowed(allowed: candidates.compactMap(\.method))
        }
    }
}
