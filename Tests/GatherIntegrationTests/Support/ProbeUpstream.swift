import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A test upstream that counts what reaches it — requests, and the most it held at once — and
/// answers with a status the test can switch at any time, after holding each request for a
/// switchable while. For the resilience bars that must be measured at the upstream itself.
final class ProbeUpstream: @unchecked Sendable {
    private struct Counters {
        var requests = 0
        var inFlight = 0
        var peakInFlight = 0
    }

    private let counters = Mutex(Counters())
    private let status: Atomic<Int>
    private let holdNanoseconds: Atomic<Int64>
    /// Set once by `start` before the probe is handed out.
    private var channel: Channel?
    private(set) var port = 0

    private init(status: Int, hold: Duration) {
        self.status = Atomic(status)
        holdNanoseconds = Atomic(hold.nanoseconds)
    }

    static func start(status: Int = 200, hold: Duration = .zero) async throws -> ProbeUpstream {
        let probe = ProbeUpstream(status: status, hold: hold)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 512)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ProbeHandler(probe: probe))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        probe.channel = channel
        probe.port = channel.localAddress?.port ?? 0
        return probe
    }

    var requests: Int { counters.withLock { $0.requests } }
    var peakInFlight: Int { counters.withLock { $0.peakInFlight } }

    /// How later requests are answered.
    func answer(status: Int, hold: Duration = .zero) {
        self.status.store(status, ordering: .relaxed)
        holdNanoseconds.store(hold.nanoseconds, ordering: .relaxed)
    }

    /// Polls (up to 5 s) until at least `count` requests have arrived.
    func waitForRequests(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while requests < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func shutdown() async {
        try? await channel?.close()
    }

    fileprivate func begin() -> (status: Int, hold: Int64) {
        counters.withLock { counters in
            counters.requests += 1
            counters.inFlight += 1
            counters.peakInFlight = max(counters.peakInFlight, counters.inFlight)
        }
        return (status.load(ordering: .relaxed), holdNanoseconds.load(ordering: .relaxed))
    }

    fileprivate func end() {
        counters.withLock { $0.inFlight -= 1 }
    }
}

/// Answers each request with `{"results":[{"url": <path>}]}` after the probe's hold.
private final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let probe: ProbeUpstream
    private var path = "/"

    init(probe: ProbeUpstream) {
        self.probe = probe
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
        case .body:
            break
        case .end:
            let (status, hold) = probe.begin()
            let body = #"{"results":[{"url":"http://probe\#(path)"}]}"#
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let probe = probe
            let respond = {
                probe.end()
                let context = bound.value
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status),
                                            headers: headers)
                context.write(self.wrapOutboundOut(.head(head)), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
            if hold > 0 {
                context.eventLoop.scheduleTask(in: .nanoseconds(hold)) { respond() }
            } else {
                respond()
            }
        }
    }
}

private extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
