import GatherCore
import NIOConcurrencyHelpers

/// The routes currently served; `replace` is how a reload takes effect.
final class RouteRegistry: Sendable {
    private let box: NIOLockedValueBox<LiveRoutes>
    private let metrics: GatewayMetrics

    init(routes: [Route], metrics: GatewayMetrics) {
        self.metrics = metrics
        box = NIOLockedValueBox(LiveRoutes(routes: routes, metrics: metrics))
    }

    var current: LiveRoutes { box.withLockedValue { $0 } }

    /// Reloads are serialised by the caller (one reload queue), so reading then swapping is safe.
    func replace(with routes: [Route]) {
        let next = LiveRoutes(routes: routes, previous: current, metrics: metrics)
        box.withLockedValue { $0 = next }
    }
}
