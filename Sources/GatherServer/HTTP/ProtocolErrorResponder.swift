import GatherCore
import NIOCore
import NIOHTTP1

/// Answers requests the HTTP parser rejects with a JSON error and closes, like NIO's
/// `HTTPServerProtocolErrorHandler` but with the body our clients can read.
final class ProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var responseInProgress = false
    private let metrics: GatewayMetrics
    private let accessLog: AccessLog?
    /// When the connection opened or last finished a response: a request that never parsed has
    /// no better start for its access line.
    private var openedAt: UInt64 = 0

    init(metrics: GatewayMetrics, accessLog: AccessLog?) {
        self.metrics = metrics
        self.accessLog = accessLog
    }

    func channelActive(context: ChannelHandlerContext) {
        openedAt = NIODeadline.now().uptimeNanoseconds
        context.fireChannelActive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if !responseInProgress {
            let (status, message) = Self.describe(parserError)
            metrics.recordRejected(status: Int(status.code))
            if let accessLog, accessLog.isEnabled {
                // Nothing of the request is trustworthy: no method, path or ids.
                accessLog.write(AccessRecord(route: nil, method: "-", path: "-", status: Int(status.code),
                                             durationNanoseconds: Int64(NIODeadline.now().uptimeNanoseconds &- openedAt),
                                             requestID: "-"))
            }
            let body = ErrorBody.json(message)
            let headers = HTTPHeaders([("Content-Type", "application/json"), ("Connection", "close"),
                                       ("Content-Length", String(body.count))])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                          promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseInProgress = true
        case .end:
            responseInProgress = false
            openedAt = NIODeadline.now().uptimeNanoseconds  // a keep-alive connection's next request starts
        default: break
        }
        context.write(data, promise: promise)
    }

    static func describe(_ error: HTTPParserError) -> (HTTPResponseStatus, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "request headers are too large")
        case .invalidURL:
            return (.badRequest, "malformed request target")
        case .invalidMethod, .unknown:
            return (.badRequest, "malformed request line")
        default:
            return (.badRequest, "malformed HTTP request: \(error)")
        }
    }
}
