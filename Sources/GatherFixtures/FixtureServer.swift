import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// Serves a `FixtureSet` on loopback: one listening socket per backend.
public final class FixtureServer: Sendable {
    private let runtimes: [String: FixtureBackendRuntime]
    private let boundPorts: [String: Int]
    private let listeners: [Channel]
    private let stopped = Atomic<Bool>(false)

    private init(runtimes: [String: FixtureBackendRuntime], boundPorts: [String: Int], listeners: [Channel]) {
        self.runtimes = runtimes
        self.boundPorts = boundPorts
        self.listeners = listeners
    }

    /// Binds every backend; with `ephemeralPorts` each gets a system-chosen port (read it with
    /// `port(of:)`). Without a `group` the process-wide NIO singleton group is used.
    public static func start(_ set: FixtureSet, host: String = "127.0.0.1", ephemeralPorts: Bool = false,
                             group: EventLoopGroup? = nil) async throws -> FixtureServer {
        try set.validate()
        let group = group ?? MultiThreadedEventLoopGroup.singleton
        var runtimes: [String: FixtureBackendRuntime] = [:]
        var ports: [String: Int] = [:]
        var listeners: [Channel] = []
        for backend in set.backends {
            let runtime = FixtureBackendRuntime(backend: backend)
            let port = ephemeralPorts ? 0 : backend.port
            do {
                let tls = try backend.tls.map { try $0.makeContext() }
                let channel = try await bootstrap(group: group, runtime: runtime, tls: tls).bind(host: host, port: port).get()
                listeners.append(channel)
                runtimes[backend.name] = runtime
                ports[backend.name] = channel.localAddress?.port ?? port
            } catch {
                for listener in listeners { try? await listener.close() }
                throw FixtureServerError(backend: backend.name, host: host, port: port, underlying: "\(error)")
            }
        }
        return FixtureServer(runtimes: runtimes, boundPorts: ports, listeners: listeners)
    }

    private static func bootstrap(group: EventLoopGroup, runtime: FixtureBackendRuntime, tls: NIOSSLContext?) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let tls else {
                        try configureHTTP1(channel, runtime: runtime)
                        return
                    }
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
                        channel.eventLoop.makeCompletedFuture {
                            // The channel is long active: it is counted (and closed at shutdown) here.
                            runtime.connectionOpened(channel)
                            channel.closeFuture.whenComplete { _ in runtime.connectionClosed(channel) }
                            if case .negotiated("h2") = result {
                                try configureHTTP2(channel, runtime: runtime)
                            } else {
                                try configureHTTP1(channel, runtime: runtime, countsConnection: false)
                            }
                        }
                    })
                }
            }
    }

    private static func configureHTTP1(_ channel: Channel, runtime: FixtureBackendRuntime, countsConnection: Bool = true) throws {
        let decoder = HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
        try channel.pipeline.syncOperations.addHandler(FixtureConnectionHandler(runtime: runtime, countsConnection: countsConnection))
    }

    /// One stream per request; the connection (not each stream) counts as accepted.
    private static func configureHTTP2(_ channel: Channel, runtime: FixtureBackendRuntime) throws {
        let http2 = NIOHTTP2Handler(mode: .server, eventLoop: channel.eventLoop) { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(FixtureHTTP2Bridge())
                try sync.addHandler(FixtureConnectionHandler(runtime: runtime, countsConnection: false))
            }
        }
        try channel.pipeline.syncOperations.addHandler(http2)
    }

    /// The port a backend listens on, or nil for an unknown name.
    public func port(of backend: String) -> Int? {
        boundPorts[backend]
    }

    /// Every backend's bound port, by name.
    public var ports: [String: Int] { boundPorts }

    /// Connections the backend has accepted since start.
    public func connectionsAccepted(of backend: String) -> Int {
        runtimes[backend]?.connectionsAccepted ?? 0
    }

    /// Requests the backend has answered or deliberately failed (404s and injected faults included).
    public func requestsServed(of backend: String) -> Int {
        runtimes[backend]?.requestsServed ?? 0
    }

    /// Stops listening and closes every open connection, including stalled ones; safe to call twice.
    public func shutdown() async throws {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for listener in listeners { try? await listener.close() }
        for runtime in runtimes.values {
            for channel in runtime.channels { try? await channel.close() }
        }
    }
}
