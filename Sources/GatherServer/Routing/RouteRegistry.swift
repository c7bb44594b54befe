import GatherCore
import Synchronization

/// The routes currently served; `replace` is how a reload takes effect.
final class RouteRegistry: Sendable {
    private let live: Mutex<LiveRoutes>
    private let metrics: GatewayMetrics

    init(routes: [Route], metrics: GatewayMetrics) {
        self.metrics = metrics
        live = Mutex(LiveRoutes(routes: routes, metrics: metrics))
    }

    var current: LiveRoutes { live.withLock { $0 } }

    /// Reloads are serialised by the caller (one reload queue), so reading then swapping is safe.
    func replace(with routes: [Route]) {
        let next = LiveRoutes(routes: routes, previous: current, metrics: metrics)
        live.withLock { $0 = next }
    }
}
