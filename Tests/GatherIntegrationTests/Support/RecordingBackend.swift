import GatherTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// A backend that remembers the headers of every request it receives (also of requests the
/// gateway later aborts) and answers `{"ok":true}` after a delay chosen per request, in the
/// order requests arrive: what a test needs to see each attempt's headers, hedges included.
final class RecordingBackend: @unchecked Sendable {
    private let channel: Channel
    private let received: Locked<[[(String, String)]]>
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel, received: Locked<[[(String, String)]]>) {
        self.channel = channel
        self.received = received
    }

    /// `delay(n)`: how long to wait before answering the n-th request (from 0).
    /// `responseHeaders` are added to every answer (`Cache-Control`, `Age`).
    static func start(responseHeaders: [(String, String)] = [],
                      delay: @escaping @Sendable (Int) -> TimeAmount = { _ in .zero }) async throws -> RecordingBackend {
        let received = Locked<[[(String, String)]]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RecordingHandler(received: received, delay: delay, responseHeaders: responseHeaders))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RecordingBackend(channel: channel, received: received)
    }

    /// Every request's headers (names lowercased), in arrival order.
    var requests: [[(String, String)]] { received.withLock { $0 } }

    func header(_ name: String, ofRequest index: Int) -> String? {
        let all = requests
        guard index < all.count else { return nil }
        return all[index].first { $0.0 == name }?.1
    }

    /// Waits up to 5 s for `count` requests to have arrived.
    func waitForRequests(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while requests.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let received: Locked<[[(String, String)]]>
    private let delay: @Sendable (Int) -> TimeAmount

    private let responseHeaders: [(String, String)]

    init(received: Locked<[[(String, String)]]>, delay: @escaping @Sendable (Int) -> TimeAmount,
         responseHeaders: [(String, String)] = []) {
        self.received = received
        self.delay = delay
        self.responseHeaders = responseHeaders
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let headers = head.headers.map { ($0.name.lowercased(), $0.value) }
        let index = received.withLock { list -> Int in
            list.append(headers)
            return list.count - 1
        }
        let body = #"{"ok":true}"#
        var responseHeaders = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")])
        responseHeaders.add(contentsOf: self.responseHeaders)
        let responseHead = HTTPResponseHead(version: head.version, status: .ok, headers: responseHeaders)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: delay(index)) {
            let (handler, context) = loopBound.value
            guard context.channel.isActive else { return }
            context.write(handler.wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(handler.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                          promise: nil)
            context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
