import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPCompression

/// Gzips one complete answer body with NIOHTTPCompression's `HTTPResponseCompressor`, run on a
/// private `EmbeddedChannel` that belongs to one client connection.
///
/// The compressor's zlib stream is internal to the library; the handler is its only public face.
/// It is not put in the connection's own pipeline because there it would have to track that
/// pipeline's request and response order itself, and it does not fit this one: an informational
/// `100 Continue` head uses up the queued `Accept-Encoding` of the request it precedes (the final
/// answer then finds the queue empty), a compressed answer's `.end` is still being finished when
/// the next pipelined request is delivered from inside that write, the write
/// promises of a compressed answer complete when its head is written (a `Connection: close`
/// could cut the body short), it picks deflate over gzip when a client lists both, and it would
/// gzip a HEAD answer's empty body into 20 bytes. Here `GatewayHandler` keeps deciding and
/// writing every answer as before, and hands over only the bytes.
final class ResponseGzip {
    private let channel: EmbeddedChannel
    private static let gzipRequest = HTTPServerRequestPart.head(HTTPRequestHead(
        version: .http1_1, method: .GET, uri: "/", headers: ["Accept-Encoding": "gzip"]))
    private static let responseHead = HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok))

    /// Made on the connection's event loop thread and used only there (an `EmbeddedEventLoop`
    /// belongs to the thread that made it).
    init() {
        channel = EmbeddedChannel(handler: HTTPResponseCompressor(initialByteBufferCapacity: 0))
    }

    /// `body` in gzip, or nil if the compressor did not answer as expected (the caller then sends
    /// identity).
    func compress(_ body: ByteBuffer) -> ByteBuffer? {
        do {
            // One request head per answer: the compressor pairs each response with the
            // Accept-Encoding of the request before it.
            try channel.writeInbound(Self.gzipRequest)
            _ = try channel.readInbound(as: HTTPServerRequestPart.self)
            // No flush before `.end`: a flush would send the head on before the body is compressed.
            channel.write(Self.responseHead, promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)  // never waited on: no blocking
            try channel.throwIfErrorCaught()
            var compressed: ByteBuffer?
            var encoding: String?
            while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
                switch part {
                case .head(let head): encoding = head.headers.first(name: "content-encoding")
                case .body(.byteBuffer(var chunk)):
                    if compressed == nil { compressed = chunk } else { compressed!.writeBuffer(&chunk) }
                case .body, .end: break
                }
            }
            guard encoding == "gzip" else { return nil }
            return compressed
        } catch {
            return nil
        }
    }

    private var closed = false

    /// Ends the compressor (its pending write promise is failed, not leaked). Called when the
    /// connection closes; the deinit is a backstop.
    func close() {
        guard !closed else { return }
        closed = true
        _ = try? channel.finish()
    }

    deinit {
        close()
    }
}
