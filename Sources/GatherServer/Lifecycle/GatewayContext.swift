import GatherCurl
import Logging

/// What every connection of one gateway shares.
final class GatewayContext: Sendable {
    let routes: RouteRegistry
    let engine: TransferEngine
    /// The engine's lane per event loop of the group.
    let lanes: LoopLanes
    let limits: ClientLimits
    let admission: Admission
    let logger: Logger
    /// nil with `--access-log off`.
    let accessLog: AccessLog?
    let metrics: GatewayMetrics
    /// Draining answers carry `Connection: close`, so clients stop reusing a connection the drain will close.
    let health = HealthState()
    /// See `GatewayConfiguration.gzipMinimumBytes`.
    let gzipMinimumBytes: Int?

    init(routes: RouteRegistry, engine: TransferEngine, lanes: LoopLanes, limits: ClientLimits, admission: Admission,
         logger: Logger, metrics: GatewayMetrics, accessLog: Bool = true, gzipMinimumBytes: Int? = 1024) {
        self.gzipMinimumBytes = gzipMinimumBytes
        self.lanes = lanes
        self.metrics = metrics
        self.routes = routes
        self.engine = engine
        self.limits = limits
        self.admission = admission
        self.logger = logger
        self.accessLog = accessLog ? AccessLog(logger: logger) : nil
    }
}
