import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS

/// The handlers in front of `GatewayHandler` on a client connection: plaintext HTTP/1.1, or TLS
/// whose ALPN picks HTTP/1.1 (the same handlers behind NIOSSL) or HTTP/2 (one stream channel per
/// request, `HTTP2FramePayloadToHTTP1ServerCodec` turning its frames into the request parts
/// `GatewayHandler` serves on HTTP/1.1: completion rules, SSE, limits, access log, 499 when the
/// client resets its stream — the stream channel closes, as a connection does on HTTP/1.1).
enum ClientPipeline {
    /// `afterHandshake`: the channel went active before these handlers existed (TLS), so they are
    /// told now — `GatewayHandler` arms its header timeout on channelActive.
    static func configureHTTP1(_ channel: Channel, gateway: GatewayContext, afterHandshake: Bool = false) throws {
        let sync = channel.pipeline.syncOperations
        try GatewayServer.addConnectionHandlers(to: sync, context: gateway)
        if afterHandshake { try sync.context(handlerType: HTTPResponseEncoder.self).fireChannelActive() }
    }

    /// TLS with the certificate current at accept time, then HTTP/1.1 or HTTP/2 as ALPN decides.
    /// A client that does not finish its handshake within the header timeout is closed (it has
    /// no `GatewayHandler` yet to enforce that timeout).
    static func configureTLS(_ channel: Channel, gateway: GatewayContext, certificate: ListenerCertificate) throws {
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOSSLServerHandler(context: certificate.current))
        let handshakeDeadline = channel.eventLoop.scheduleTask(in: gateway.limits.headerTimeout) {
            channel.close(promise: nil)
        }
        try sync.addHandler(ApplicationProtocolNegotiationHandler { result, channel in
            handshakeDeadline.cancel()
            return channel.eventLoop.makeCompletedFuture {
                if case .negotiated("h2") = result {
                    try configureHTTP2(channel, gateway: gateway)
                } else {
                    try configureHTTP1(channel, gateway: gateway, afterHandshake: true)
                }
            }
        })
    }

    /// HTTP/2 after ALPN. Idle connections (no open stream for the keep-alive idle time) get a
    /// GOAWAY and close once the client has acknowledged it, as idle HTTP/1.1 connections close.
    /// A client that sends nothing at all (not even its preface) within the header timeout is
    /// closed then: swift-nio-http2's idle handling needs the client to answer a PING.
    static func configureHTTP2(_ channel: Channel, gateway: GatewayContext) throws {
        let limits = gateway.limits
        let management = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: limits.keepAliveIdle, maxAge: nil, maxGraceTime: limits.headerTimeout,
                                 keepalive: nil))
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        // Headers past our own check reach it, so that a request with too-large headers gets
        // our 431 like on HTTP/1.1 rather than a connection error.
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.maxHeaderBytes * 2),
        ]
        let http2 = NIOHTTP2Handler(
            mode: .server, eventLoop: channel.eventLoop, connectionConfiguration: connection,
            streamConfiguration: .init(), streamDelegate: management.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                let sync = stream.pipeline.syncOperations
                try sync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try sync.addHandler(GatewayHandler(gateway: gateway))
            }
        }
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(FirstReadDeadline(after: limits.headerTimeout))
        try sync.addHandler(http2)
        try sync.addHandler(management)
        // Added after the handshake, long after channelActive: the idle timer starts on it.
        try sync.context(handler: http2).fireChannelActive()
    }

    /// Closes the connection unless it reads something within `after`; then steps aside.
    private final class FirstReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        private let after: TimeAmount
        private var timer: Scheduled<Void>?

        init(after: TimeAmount) { self.after = after }

        func handlerAdded(context: ChannelHandlerContext) {
            let channel = context.channel
            timer = context.eventLoop.scheduleTask(in: after) { channel.close(promise: nil) }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            timer?.cancel()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            timer?.cancel()
            timer = nil
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
