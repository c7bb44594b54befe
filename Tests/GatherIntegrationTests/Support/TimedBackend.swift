import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A backend that answers each path with a fixed JSON body after a fixed delay and remembers,
/// per request, its target, when it arrived and when its answer was written (uptime
/// nanoseconds, one clock for every backend in the process): what a test needs to see when a
/// dependent's request arrives relative to its need's answer, measured at the upstream.
final class TimedBackend: @unchecked Sendable {
    struct Hit: Sendable {
        var uri: String
        var body: String
        var arrivedAt: UInt64
        var answeredAt: UInt64?
    }

    private let channel: Channel
    private let hits: NIOLockedValueBox<[Hit]>
    private let inFlight: NIOLockedValueBox<(now: Int, peak: Int)>
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel, hits: NIOLockedValueBox<[Hit]>, inFlight: NIOLockedValueBox<(now: Int, peak: Int)>) {
        self.channel = channel
        self.hits = hits
        self.inFlight = inFlight
    }

    /// `answer(path)`: the body and delay for a path (query ignored), nil for a 404.
    static func start(_ answer: @escaping @Sendable (String) -> (body: String, delay: TimeAmount)?) async throws -> TimedBackend {
        let hits = NIOLockedValueBox<[Hit]>([])
        let inFlight = NIOLockedValueBox<(now: Int, peak: Int)>((0, 0))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(TimedHandler(hits: hits, inFlight: inFlight, answer: answer))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TimedBackend(channel: channel, hits: hits, inFlight: inFlight)
    }

    var requests: [Hit] { hits.withLockedValue { $0 } }
    /// The most requests this backend was answering at once.
    var peakInFlight: Int { inFlight.withLockedValue { $0.peak } }

    func stop() async {
        try? await channel.close()
    }
}

private final class TimedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let hits: NIOLockedValueBox<[TimedBackend.Hit]>
    private let inFlight: NIOLockedValueBox<(now: Int, peak: Int)>
    private let answer: @Sendable (String) -> (body: String, delay: TimeAmount)?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(hits: NIOLockedValueBox<[TimedBackend.Hit]>, inFlight: NIOLockedValueBox<(now: Int, peak: Int)>,
         answer: @escaping @Sendable (String) -> (body: String, delay: TimeAmount)?) {
        self.hits = hits
        self.inFlight = inFlight
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            respond(to: head, body: String(decoding: body, as: UTF8.self), context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, body requestBody: String, context: ChannelHandlerContext) {
        let arrivedAt = NIODeadline.now().uptimeNanoseconds
        let index = hits.withLockedValue { list -> Int in
            list.append(TimedBackend.Hit(uri: head.uri, body: requestBody, arrivedAt: arrivedAt))
            return list.count - 1
        }
        inFlight.withLockedValue { $0.now += 1; $0.peak = max($0.peak, $0.now) }
        let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
        let found = answer(path)
        let body = found?.body ?? #"{"error":"not found"}"#
        let responseHead = HTTPResponseHead(version: head.version, status: found == nil ? .notFound : .ok, headers: [
            "Content-Type": "application/json", "Content-Length": "\(body.utf8.count)",
        ])
        let hits = hits
        let inFlight = inFlight
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: found?.delay ?? .zero) {
            let (handler, context) = loopBound.value
            inFlight.withLockedValue { $0.now -= 1 }
            guard context.channel.isActive else { return }
            hits.withLockedValue { $0[index].answeredAt = NIODeadline.now().uptimeNanoseconds }
            context.write(handler.wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(handler.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                          promise: nil)
            context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
