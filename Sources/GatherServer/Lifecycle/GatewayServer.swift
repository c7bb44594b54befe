import GatherCore
import GatherCurl
import Logging
import Metrics
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// The running gateway: public listener, admin listener, transfer engine.
public final class GatewayServer: Sendable {
    public let port: Int
    public let adminPort: Int?
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let channel: Channel
    /// Tracks the public listener's connections, to tell each one when the drain begins. Taken
    /// out (and released) by the drain: the helper's deinit resolves a promise on one of the
    /// group's loops, which must still be running then.
    private let quiescing: Mutex<ServerQuiescingHelper?>
    private let adminChannel: Channel?
    private let context: GatewayContext
    private let stopped = Atomic<Bool>(false)
    private let drainCut = Atomic<Bool>(false)
    /// Every public connection has closed since the drain quiesced them.
    private let connectionsClosed = Atomic<Bool>(false)

    private init(port: Int, adminPort: Int?, group: MultiThreadedEventLoopGroup, ownsGroup: Bool, channel: Channel,
                 quiescing: ServerQuiescingHelper, adminChannel: Channel?, context: GatewayContext) {
        self.port = port
        self.adminPort = adminPort
        self.group = group
        self.ownsGroup = ownsGroup
        self.channel = channel
        self.quiescing = Mutex(quiescing)
        self.adminChannel = adminChannel
        self.context = context
    }

    public static func start(routes: [Route], configuration: GatewayConfiguration, logger: Logger,
                             group existingGroup: MultiThreadedEventLoopGroup? = nil) async throws -> GatewayServer {
        let group = existingGroup ?? MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let engine = TransferEngine(threads: configuration.transferThreads,
                                    maxConnectionsPerHost: Route.connectionsPerHost(routes))
        let metrics = GatewayMetrics(droppedLogLines: configuration.droppedLogLines)
        let context = GatewayContext(routes: RouteRegistry(routes: routes, metrics: metrics), engine: engine,
                                     lanes: LoopLanes(engine: engine, group: group), limits: configuration.limits, admission: Admission(limit: configuration.maxInFlight),
                                     logger: logger, metrics: metrics, accessLog: configuration.accessLog,
                                     gzipMinimumBytes: configuration.gzipMinimumBytes)
        do {
            let quiescing = ServerQuiescingHelper(group: group)
            let channel = try await publicBootstrap(group: group, context: context, certificate: configuration.tls,
                                                    quiescing: quiescing)
                .bind(host: configuration.host, port: configuration.port).get()
            var adminChannel: Channel?
            if let adminHost = configuration.adminHost {
                adminChannel = try await AdminServer.bootstrap(group: group, context: context, health: context.health)
                    .bind(host: adminHost, port: configuration.adminPort).get()
            }
            return GatewayServer(port: channel.localAddress?.port ?? configuration.port,
                                 adminPort: adminChannel?.localAddress?.port, group: group,
                                 ownsGroup: existingGroup == nil, channel: channel, quiescing: quiescing,
                                 adminChannel: adminChannel,
                                 context: context)
        } catch {
            engine.shutdown()
            if existingGroup == nil { try? await group.shutdownGracefully() }
            throw error
        }
    }

    private static func publicBootstrap(group: EventLoopGroup, context: GatewayContext,
                                        certificate: ListenerCertificate?,
                                        quiescing: ServerQuiescingHelper) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let certificate {
                        try ClientPipeline.configureTLS(channel, gateway: context, certificate: certificate)
                    } else {
                        try ClientPipeline.configureHTTP1(channel, gateway: context)
                    }
                }
            }
    }

    /// A client connection's pipeline: the HTTP/1.1 codec and the gateway's handler.
    static func addConnectionHandlers(to pipeline: ChannelPipeline.SynchronousOperations,
                                      context: GatewayContext) throws {
        let limits = context.limits
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        // Above our own header check, so that we answer 431 ourselves; past this the parser stops
        // buffering and its error is answered with 431.
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes * 2
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes * 2
        try pipeline.addHandler(HTTPResponseEncoder())
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(
            leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits)))
        try pipeline.addHandler(GatewayHandler(gateway: context))
    }

    /// Swaps in a new set of routes; requests already running keep the set they started with.
    public func reload(routes: [Route]) {
        context.engine.setMaxConnectionsPerHost(Route.connectionsPerHost(routes))
        context.routes.replace(with: routes)
        context.metrics.recordReload()
    }

    /// A reload that did not happen because the route files had errors (counted in `/metrics`).
    public func reloadFailed() {
        context.metrics.recordReloadFailure()
    }

    /// Points swift-metrics' process-wide `MetricsSystem` at this gateway's registry, so what any
    /// library reports through swift-metrics appears on `/metrics` next to the `gather_…` series.
    /// Once per process (`serve`, `demo`); gateways in tests keep their registries to themselves.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: context.metrics.registry))
    }

    public var routes: [Route] { context.routes.current.routes }

    /// Requests admitted and not yet answered.
    public var requestsInFlight: Int { context.admission.current }

    /// Turns `/readyz` to 503 and keeps accepting for `acceptGrace` (load balancers notice and stop
    /// sending), then stops accepting and quiesces every connection (an idle HTTP/1.1 one closes
    /// after `ConnectionStateMachine.quiesceGrace`, a busy one after its answer; HTTP/2 ones get a
    /// GOAWAY and close when their streams have), lets in-flight requests finish for up to
    /// `drain`, then aborts the upstream transfers still running (their requests get whatever
    /// answer that leaves) and closes everything. The drain waits for the connections as well as
    /// for the requests: a request arriving on an idle one would otherwise be admitted after the
    /// drain had counted nothing in flight.
    public func shutdown(drain: Duration = .seconds(10), acceptGrace: Duration = .zero) async {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        context.health.startDraining()
        let graceEnd = ContinuousClock.now + acceptGrace
        while ContinuousClock.now < graceEnd && !drainCut.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        quiesceConnections()
        let deadline = ContinuousClock.now + drain
        while (context.admission.current > 0 || !self.connectionsClosed.load(ordering: .acquiring))
            && ContinuousClock.now < deadline && !drainCut.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let unfinished = context.admission.current
        if unfinished > 0 {
            context.logger.warning("drain ended with requests in flight; aborting their upstream transfers",
                                   metadata: ["in_flight": "\(unfinished)"])
        }
        // Aborted transfers settle their requests with what has arrived; give those answers a
        // moment to be written before the event loops close the connections. A request leaves
        // `admission` when its answer is handed to the connection, not when it is sent: the
        // quiesced connections close once theirs has gone out, so wait for that too.
        context.engine.shutdown()
        let answerDeadline = ContinuousClock.now + .seconds(1)
        while (context.admission.current > 0 || !self.connectionsClosed.load(ordering: .acquiring))
            && ContinuousClock.now < answerDeadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await adminChannel?.close()
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    /// Stops accepting and tells every open connection to finish; `connectionsClosed` turns true
    /// once they all have.
    private func quiesceConnections() {
        guard let helper = quiescing.withLock({ $0.take() }) else { return }
        let quiesced = channel.eventLoop.makePromise(of: Void.self)
        quiesced.futureResult.whenComplete { _ in self.connectionsClosed.store(true, ordering: .releasing) }
        helper.initiateShutdown(promise: quiesced)
    }

    /// Ends an accept grace or a drain in progress now, as if its time were up (a second SIGTERM/SIGINT).
    public func cutDrainShort() {
        drainCut.store(true, ordering: .releasing)
    }
}
