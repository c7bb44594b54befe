import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A plain HTTP/1.1 upstream on 127.0.0.1 for tests that must see, at the upstream itself,
/// what the gateway sent and when: it records every request (target, headers, body, when it
/// arrived and when its answer was written), counts the most requests it held at once, and
/// answers each one by a rule the test gives (status, body, headers, delay) and may switch at
/// any time. Seeded misbehaviour (resets, garbage, stalls) is GatherFixtures' job; TLS, HTTP/2
/// and compression are tested against a real nginx.
public final class TestUpstream: Sendable {
    /// One request as it arrived.
    public struct Request: Sendable {
        /// Place in arrival order, from 0.
        public var index: Int
        public var method: String
        /// The request target as sent, query included.
        public var uri: String
        /// Names lowercased, in the order sent.
        public var headers: [(String, String)]
        public var body: String
        /// Uptime nanoseconds (`NIODeadline`): one clock for every upstream in the process.
        public var arrivedAt: UInt64
        /// Nil until the answer is written (and forever when the client left first).
        public var answeredAt: UInt64?

        /// `uri` without its query.
        public var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }

        public func header(_ name: String) -> String? {
            headers.first { $0.0 == name }?.1
        }
    }

    /// How one request is answered; always `Content-Type: application/json`.
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        /// Added after `Content-Type` and `Content-Length` (`Cache-Control`, `Age`…).
        public var headers: [(String, String)]
        /// How long the request is held before its answer is written.
        public var delay: Duration

        public init(status: Int = 200, body: String, headers: [(String, String)] = [], delay: Duration = .zero) {
            self.status = status
            self.body = body
            self.headers = headers
            self.delay = delay
        }

        /// `{"ok":true}`.
        public static func ok(headers: [(String, String)] = [], delay: Duration = .zero) -> Answer {
            Answer(body: #"{"ok":true}"#, headers: headers, delay: delay)
        }

        /// One search result naming the request target: `{"results":[{"url":"http://probe<uri>"}]}`.
        public static func results(for request: Request, status: Int = 200, delay: Duration = .zero) -> Answer {
            Answer(status: status, body: #"{"results":[{"url":"http://probe\#(request.uri)"}]}"#, delay: delay)
        }

        public static let notFound = Answer(status: 404, body: #"{"error":"not found"}"#)
    }

    public typealias Rule = @Sendable (Request) -> Answer

    private let channel: Channel
    private let log: Log
    public var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel, log: Log) {
        self.channel = channel
        self.log = log
    }

    /// Listens on a free port; `rule` answers every request until `answer(_:)` replaces it.
    public static func start(answering rule: @escaping Rule = { _ in .ok() }) async throws -> TestUpstream {
        let log = Log(rule: rule)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestUpstream(channel: channel, log: log)
    }

    /// Answers each path (query ignored) with the body and delay `route` gives, and a 404
    /// `{"error":"not found"}` when it gives nil.
    public static func start(routing route: @escaping @Sendable (String) -> (body: String, delay: Duration)?) async throws -> TestUpstream {
        try await start { request in route(request.path).map { Answer(body: $0.body, delay: $0.delay) } ?? .notFound }
    }

    /// How later requests are answered.
    public func answer(_ rule: @escaping Rule) {
        log.state.withLock { $0.rule = rule }
    }

    /// Every request so far, in arrival order.
    public var requests: [Request] { log.state.withLock { $0.requests } }

    /// The most requests this upstream was holding at once.
    public var peakInFlight: Int { log.state.withLock { $0.peakInFlight } }

    /// Header `name` (lowercase) of the `index`-th request, nil when there is no such request
    /// or header.
    public func header(_ name: String, ofRequest index: Int) -> String? {
        let all = requests
        return index < all.count ? all[index].header(name) : nil
    }

    /// Polls (up to 5 s) until at least `count` requests have arrived.
    public func waitForRequests(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while requests.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    public func stop() async {
        try? await channel.close()
    }

    /// What every connection of one upstream shares; connections run on different event loops.
    fileprivate final class Log: Sendable {
        struct State {
            var rule: Rule
            var requests: [Request] = []
            var inFlight = 0
            var peakInFlight = 0
        }

        let state: Mutex<State>

        init(rule: @escaping Rule) {
            state = Mutex(State(rule: rule))
        }

        /// Records the request and decides its answer under one lock, so arrival order and
        /// the rule in force agree.
        func arrived(method: String, uri: String, headers: [(String, String)], body: String) -> (index: Int, answer: Answer) {
            let arrivedAt = NIODeadline.now().uptimeNanoseconds
            return state.withLock { state in
                let request = Request(index: state.requests.count, method: method, uri: uri, headers: headers,
                                      body: body, arrivedAt: arrivedAt)
                state.requests.append(request)
                state.inFlight += 1
                state.peakInFlight = max(state.peakInFlight, state.inFlight)
                return (request.index, state.rule(request))
            }
        }

        func released(_ index: Int, answered: Bool) {
            let now = NIODeadline.now().uptimeNanoseconds
            state.withLock { state in
                state.inFlight -= 1
                if answered { state.requests[index].answeredAt = now }
            }
        }
    }
}

/// Reads a whole request, then answers it by the rule after its delay, on its own event loop.
private final class Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let log: TestUpstream.Log
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(log: TestUpstream.Log) {
        self.log = log
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
            self.head = nil
            respond(to: head, body: String(decoding: body, as: UTF8.self), context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, body requestBody: String, context: ChannelHandlerContext) {
        let (index, answer) = log.arrived(method: head.method.rawValue, uri: head.uri,
                                          headers: head.headers.map { ($0.name.lowercased(), $0.value) },
                                          body: requestBody)
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(answer.body.utf8.count)")])
        headers.add(contentsOf: answer.headers)
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: answer.status),
                                            headers: headers)
        let write = { [log] in
            let active = context.channel.isActive
            log.released(index, answered: active)
            guard active else { return }
            context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))),
                          promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
        if answer.delay > .zero {
            // Isolated: the handler and its context never leave this event loop.
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(answer.delay.nanoseconds)) { write() }
        } else {
            write()
        }
    }
}

private extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
