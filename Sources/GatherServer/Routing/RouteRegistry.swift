import GatherCore
import NIOConcurrencyHelpers

/// The routes currently served; `replace` is how a reload takes effect.
final class RouteRegistry: Sendable {
    private let box: NIOLockedValueBox<LiveRoutes>

    init(routes: [Route]) {
        box = NIOLockedValueBox(LiveRoutes(routes: routes))
    }

    var current: LiveRoutes { box.withLockedValue { $0 } }

    /// Reloads are serialised by the caller (one reload queue), so reading then swapping is safe.
    func replace(with routes: [Route]) {
        let next = LiveRoutes(routes: routes, previous: current)
        box.withLockedValue { $0 = next }
    }
}
