import Foundation
import NIOCore

/// The live, shared state of one served backend: its generator, counters and open connections.
/// Connections of one backend run on different event loops, so everything here is behind a lock.
final class FixtureBackendRuntime: @unchecked Sendable {
    let backend: FixtureBackend
    private let lock = NSLock()
    private var generator: SplitMix64
    private var accepted = 0
    private var served = 0
    private var openChannels: [ObjectIdentifier: Channel] = [:]

    init(backend: FixtureBackend) {
        self.backend = backend
        generator = SplitMix64(seed: backend.seed)
    }

    func route(method: String, path: String) -> FixtureRoute {
        FixtureRoute.match(method: method, path: path, in: backend.paths)
    }

    /// Draws under the lock: the backend's sequence is one stream, in arrival order.
    func nextPlan(for path: FixturePath) -> FixturePlan {
        lock.withLock { FixturePlan.draw(for: path, using: &generator) }
    }

    func connectionOpened(_ channel: Channel) {
        lock.withLock {
            accepted += 1
            openChannels[ObjectIdentifier(channel)] = channel
        }
    }

    func connectionClosed(_ channel: Channel) {
        _ = lock.withLock { openChannels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func noteServed() {
        lock.withLock { served += 1 }
    }

    var connectionsAccepted: Int { lock.withLock { accepted } }
    var requestsServed: Int { lock.withLock { served } }
    var channels: [Channel] { lock.withLock { Array(openChannels.values) } }
}
