import ArgumentParser
import Foundation
import GatherCore
import GatherServer
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway.",
        discussion: """
            Compression to clients: an aggregated answer (the JSON envelope) larger than --gzip-min is \
            sent with Content-Encoding: gzip when the request's Accept-Encoding takes gzip (gzip or x-gzip \
            or * with q > 0; gzip is the only coding offered); smaller ones and other clients get identity. \
            Every aggregated answer carries Vary: Accept-Encoding. Server-Sent Events are never compressed \
            (proxies and EventSource clients buffer a compressed stream, so events would stop arriving one \
            by one), nor are complete: first answers (the winner's bytes as they came, still in the upstream's \
            Content-Encoding when the client accepts it), error \
            answers or HEAD answers. The admin listener never compresses.
            """)

    @Option(name: .customLong("routes"), help: "A route file or a folder of them (repeatable).")
    var routes: [String] = ["routes"]

    @Option(help: "Public listener.")
    var listen = HostPort(host: "127.0.0.1", port: 8080)

    @Option(name: .customLong("tls-cert"),
            help: "Serve HTTPS (ALPN h2 and http/1.1) with this PEM certificate chain; needs --tls-key. SIGHUP reloads it.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert (unencrypted).")
    var tlsKey: String?

    @Option(help: "Admin listener (health, readiness, metrics, routes).")
    var admin = HostPort(host: "127.0.0.1", port: 9901)

    @Option(name: .customLong("max-in-flight"), help: "Client requests aggregated at once; past it: 503 with Retry-After.")
    var maxInFlight = 10_000

    @Option(name: .customLong("max-body"), help: "Largest client request body, e.g. 1MiB.")
    var maxBody = "1MiB"

    @Option(name: .customLong("max-request-line"), help: "Longest client request target, e.g. 8KiB; past it: 414.")
    var maxRequestLine = "8KiB"

    @Option(name: .customLong("max-headers"), help: "Largest client request headers, all together, e.g. 16KiB; past it: 431.")
    var maxHeaders = "16KiB"

    @Option(name: .customLong("head-timeout"),
            help: "Time a client has to send a request's headers on a new connection, e.g. 10s; then it is closed.")
    var headTimeout = "10s"

    @Option(name: .customLong("idle-timeout"),
            help: "How long a keep-alive connection may wait for its next request, e.g. 60s; then it is closed.")
    var idleTimeout = "60s"

    @Option(name: .customLong("gzip-min"),
            help: "Gzip aggregated answers larger than this for clients that accept gzip, e.g. 1KiB; off: never.")
    var gzipMin = "1KiB"

    @Flag(help: "Reload route files when they change.")
    var watch = false

    @Option(help: "How long in-flight requests may finish after SIGTERM/SIGINT, e.g. 10s.")
    var drain = "10s"

    @Option(name: .customLong("accept-grace"),
            help: "After SIGTERM/SIGINT, keep accepting this long while /readyz answers 503, so load balancers stop sending first; then drain.")
    var acceptGrace = "0s"

    @Option(name: .customLong("log-format"), help: "text or json.")
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("access-log"), help: "on or off: one info line per client request.")
    var accessLog: Switch = .on

    @Option(name: .customLong("transfer-threads"),
            help: "libcurl transfer threads (each owns one multi handle; default: one beside each event loop).")
    var transferThreads: Int?

    @Option(name: .customLong("event-loops"),
            help: "SwiftNIO event loops serving clients (default: one per CPU this process may run on, taskset included).")
    var eventLoops: Int?

    func validate() throws {
        guard SizeParser.parse(maxBody) != nil else { throw ValidationError("--max-body: not a size: \(maxBody)") }
        for (flag, value) in [("--max-request-line", maxRequestLine), ("--max-headers", maxHeaders)] {
            guard let bytes = SizeParser.parse(value), bytes > 0 else { throw ValidationError("\(flag): not a size: \(value)") }
        }
        for (flag, value) in [("--head-timeout", headTimeout), ("--idle-timeout", idleTimeout)] {
            guard let duration = DurationParser.parse(value), duration > .zero else {
                throw ValidationError("\(flag): not a duration: \(value)")
            }
        }
        guard gzipMin == "off" || SizeParser.parse(gzipMin) != nil else {
            throw ValidationError("--gzip-min: not a size (or off): \(gzipMin)")
        }
        guard DurationParser.parse(drain) != nil else { throw ValidationError("--drain: not a duration: \(drain)") }
        guard DurationParser.parse(acceptGrace) != nil else {
            throw ValidationError("--accept-grace: not a duration: \(acceptGrace)")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plaintext HTTP")
        }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be positive") }
        if let transferThreads, !(1...64).contains(transferThreads) { throw ValidationError("--transfer-threads: 1...64") }
        if let eventLoops, !(1...256).contains(eventLoops) { throw ValidationError("--event-loops: 1...256") }
    }

    func run() async throws {
        LoggingSetup.bootstrap(format: logFormat, level: logLevel)
        let logger = Logger(label: "gather")
        guard let loaded = RouteLoading.load(routes) else { throw ExitCode.failure }

        var configuration = GatewayConfiguration()
        configuration.host = listen.host
        configuration.port = listen.port
        configuration.adminHost = admin.host
        configuration.adminPort = admin.port
        configuration.maxInFlight = maxInFlight
        configuration.limits.maxBodyBytes = SizeParser.parse(maxBody) ?? configuration.limits.maxBodyBytes
        configuration.limits.maxRequestLineBytes = SizeParser.parse(maxRequestLine) ?? configuration.limits.maxRequestLineBytes
        configuration.limits.maxHeaderBytes = SizeParser.parse(maxHeaders) ?? configuration.limits.maxHeaderBytes
        configuration.limits.headerTimeout = DurationParser.parse(headTimeout).map(TimeAmount.init) ?? configuration.limits.headerTimeout
        configuration.limits.keepAliveIdle = DurationParser.parse(idleTimeout).map(TimeAmount.init) ?? configuration.limits.keepAliveIdle
        if let eventLoops { configuration.eventLoopThreads = eventLoops }
        // Each event loop's requests run on the transfer thread beside it (see TransferLane).
        configuration.transferThreads = transferThreads ?? min(configuration.eventLoopThreads, 64)
        configuration.accessLog = accessLog == .on
        if let writer = LoggingSetup.writer { configuration.droppedLogLines = { writer.droppedLines } }
        configuration.gzipMinimumBytes = gzipMin == "off" ? nil : SizeParser.parse(gzipMin)
        if let tlsCert, let tlsKey {
            do {
                configuration.tls = try ListenerCertificate(certificatePath: tlsCert, keyPath: tlsKey)
            } catch {
                StandardError.print("gather: \(error)")
                throw ExitCode.failure
            }
        }
        logger.info("routes loaded", metadata: RouteLogFields.summary(loaded).merging(
            ["from": "\(routes.joined(separator: ","))"]) { $1 })
        for route in loaded { logger.info("route", metadata: RouteLogFields.route(route)) }
        for warning in RouteWarning.check(loaded) {
            logger.warning("route file warning", metadata: ["warning": "\(warning)"])
        }
        let server = try await GatewayServer.start(routes: loaded, configuration: configuration, logger: logger)
        server.bootstrapMetricsSystem()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let settings: Logger.Metadata = [
            "access_log": "\(accessLog.rawValue)", "log_level": "\(logLevel.rawValue)", "watch": "\(watch)",
            "gzip_min": "\(gzipMin)",
        ]
        let certificate = configuration.tls
        let reloader = RouteReloader(paths: routes, server: server, logger: logger)
        let group = ServiceGroup(
            services: [
                GatewayService(server: server, drain: DurationParser.parse(drain) ?? .seconds(10),
                               acceptGrace: DurationParser.parse(acceptGrace) ?? .zero, logger: logger,
                               announce: { [listen, admin, count = loaded.count, settings, https = configuration.tls != nil] in
                                   Self.announce(server: server, listen: listen, admin: admin, routes: count,
                                                 https: https, settings: settings, logger: logger)
                               }),
                // Last in the list, first to stop: no reload starts once the drain has begun.
                RouteReloadService(reloader: reloader, hangups: hangups, watch: watch,
                                   certificate: certificate, logger: logger),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    /// One line on stdout, so that scripts and tests started on port 0 learn the bound ports.
    private static func announce(server: GatewayServer, listen: HostPort, admin: HostPort, routes: Int,
                                 https: Bool, settings: Logger.Metadata, logger: Logger) {
        let adminAddress = server.adminPort.map { "http://\(admin.host):\($0)" } ?? "none"
        let scheme = https ? "https" : "http"
        StandardOutput.print("gather listening on \(scheme)://\(listen.host):\(server.port) (admin \(adminAddress))")
        logger.info("gather listening", metadata: [
            "listen": "\(listen.host):\(server.port)", "scheme": "\(scheme)", "admin": "\(admin.host):\(server.adminPort ?? 0)",
            "routes": "\(routes)",
        ].merging(settings) { $1 })
    }
}

extension LogFormat: ExpressibleByArgument {}

enum Switch: String, CaseIterable, ExpressibleByArgument {
    case on, off
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
