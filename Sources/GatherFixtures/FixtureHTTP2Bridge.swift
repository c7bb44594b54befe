import NIOCore
import NIOEmbedded
import NIOHTTP1

/// Lets `FixtureConnectionHandler`, which writes HTTP/1.1 responses as bytes (so that it can
/// also write broken ones), serve an HTTP/2 stream: NIO's own HTTP/1.1 response decoder, in an
/// embedded channel that has seen the request head (so a HEAD answer has no body), turns those
/// bytes back into response parts for `HTTP2FramePayloadToHTTP1ServerCodec`. Bytes the decoder
/// cannot read (injected garbage) close the stream, which resets it; so do a truncated body and
/// an injected connection reset.
final class FixtureHTTP2Bridge: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = HTTPServerResponsePart

    private let decoder = EmbeddedChannel(handler: ByteToMessageHandler(
        HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)))

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            _ = try? decoder.writeOutbound(HTTPClientRequestPart.head(
                HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri)))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var parts: [HTTPServerResponsePart] = []
        do {
            try decoder.writeInbound(unwrapOutboundIn(data))
            while let part = try decoder.readInbound(as: HTTPClientResponsePart.self) {
                switch part {
                case .head(let head):
                    parts.append(.head(HTTPResponseHead(version: .http1_1, status: head.status, headers: head.headers)))
                case .body(let body): parts.append(.body(.byteBuffer(body)))
                case .end(let trailers): parts.append(.end(trailers))
                }
            }
        } catch {
            promise?.fail(error)
            context.close(promise: nil)
            return
        }
        guard !parts.isEmpty else {
            promise?.succeed()
            return
        }
        for (index, part) in parts.enumerated() {
            context.write(wrapOutboundOut(part), promise: index == parts.count - 1 ? promise : nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        _ = try? decoder.finish()
    }
}
