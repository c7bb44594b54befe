import GatherCore
import NIOCore
import NIOHTTP1

/// Serves one client connection of one backend: queues requests (keep-alive and pipelining),
/// draws a plan for each and carries it out with event-loop timers — never by sleeping.
final class FixtureConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// Fixtures are test doubles; a larger request body than this is answered 413.
    static let maxRequestBody = 1 << 20

    private struct Request {
        var head: HTTPRequestHead
        var body: [UInt8] = []
        var bodyTooLarge = false
    }

    private let runtime: FixtureBackendRuntime
    private var incoming: Request?
    private var queue: [Request] = []
    private var busy = false
    private var open = true
    private var timer: Scheduled<Void>?

    /// False on an HTTP/2 stream: its connection is what counts (and is closed at shutdown).
    private let countsConnection: Bool

    init(runtime: FixtureBackendRuntime, countsConnection: Bool = true) {
        self.runtime = runtime
        self.countsConnection = countsConnection
    }

    func channelActive(context: ChannelHandlerContext) {
        if countsConnection { runtime.connectionOpened(context.channel) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        timer?.cancel()
        timer = nil
        if countsConnection { runtime.connectionClosed(context.channel) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            incoming = Request(head: head)
            // Clients such as libcurl wait up to a second for this before sending a large body.
            if !busy, queue.isEmpty, head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                var buffer = context.channel.allocator.buffer(capacity: 25)
                buffer.writeString("HTTP/1.1 100 Continue\r\n\r\n")
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
        case var .body(chunk):
            guard var request = incoming, !request.bodyTooLarge else { return }
            if request.body.count + chunk.readableBytes > Self.maxRequestBody {
                request.bodyTooLarge = true
                request.body = []
            } else {
                request.body += chunk.readBytes(length: chunk.readableBytes) ?? []
            }
            incoming = request
        case .end:
            guard let request = incoming else { return }
            incoming = nil
            queue.append(request)
            startNext(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A request the decoder cannot parse gets a 400 when nothing else is on the wire.
        if error is HTTPParserError, !busy, open {
            busy = true
            let body = FixtureResponseBytes.errorBody("malformed HTTP request", status: 400, backend: runtime.backend.name)
            write(status: 400, contentType: "application/json", body: body, keepAlive: false, context: context)
            return
        }
        context.close(promise: nil)
    }

    // MARK: - Request handling

    private func startNext(context: ChannelHandlerContext) {
        guard open, !busy, !queue.isEmpty else { return }
        busy = true
        let request = queue.removeFirst()
        let keepAlive = request.head.isKeepAlive
        let path = FixtureEcho.split(uri: request.head.uri).path
        let name = runtime.backend.name
        switch runtime.route(method: request.head.method.rawValue, path: path) {
        case .notFound:
            runtime.noteServed()
            let body = FixtureResponseBytes.errorBody("no fixture for \(request.head.method.rawValue) \(path)", status: 404, backend: name)
            write(status: 404, contentType: "application/json", body: body, keepAlive: keepAlive, context: context)
        case let .methodNotAllowed(allowed):
            runtime.noteServed()
            let body = FixtureResponseBytes.errorBody("method \(request.head.method.rawValue) not allowed on \(path)", status: 405, backend: name)
            write(status: 405, contentType: "application/json", body: body, keepAlive: keepAlive, context: context,
                  extraHeaders: [("Allow", allowed.joined(separator: ", "))])
        case let .found(fixture):
            guard !request.bodyTooLarge else {
                runtime.noteServed()
                let body = FixtureResponseBytes.errorBody("request body over \(Self.maxRequestBody) bytes", status: 413, backend: name)
                write(status: 413, contentType: "application/json", body: body, keepAlive: false, context: context)
                return
            }
            let plan = runtime.nextPlan(for: fixture)
            after(plan.delay, context: context) { [self] in
                self.carryOut(plan, fixture: fixture, request: request, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func carryOut(_ plan: FixturePlan, fixture: FixturePath, request: Request, keepAlive: Bool, context: ChannelHandlerContext) {
        guard open else { return }
        runtime.noteServed()
        switch plan.action {
        case .reset:
            resetConnection(context: context)
        case .garbage:
            var buffer = context.channel.allocator.buffer(capacity: FixtureResponseBytes.garbage.count)
            buffer.writeBytes(FixtureResponseBytes.garbage)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .respond:
            let name = runtime.backend.name
            let body: [UInt8], contentType: String
            switch plan.content {
            case .configured:
                contentType = fixture.contentType
                switch fixture.body {
                case let .bytes(bytes): body = bytes
                case .echo: body = FixtureEcho.body(head: request.head, body: request.body)
                case .enrich(let members): body = FixtureEcho.enriched(request.body, adding: members)
                }
            case .injectedError:
                contentType = "application/json"
                body = FixtureResponseBytes.errorBody("injected failure", status: plan.status, backend: name)
            case let .oversized(size):
                contentType = "application/json"
                body = FixtureResponseBytes.oversizedBody(size: size)
            }
            let sendsBody = request.head.method != .HEAD
            switch plan.delivery {
            case .whole:
                write(status: plan.status, contentType: contentType, body: body, keepAlive: keepAlive, context: context, sendsBody: sendsBody)
            case .truncated:
                writeTruncated(status: plan.status, contentType: contentType, body: body, context: context)
            case let .drip(chunk, every):
                writeDripping(status: plan.status, contentType: contentType, body: body, keepAlive: keepAlive,
                              chunk: chunk, every: every, context: context)
            }
        }
    }

    // MARK: - Writing

    private func write(status: Int, contentType: String, body: [UInt8], keepAlive: Bool, context: ChannelHandlerContext,
                       extraHeaders: [(String, String)] = [], sendsBody: Bool = true) {
        let head = FixtureResponseBytes.head(status: status, contentType: contentType, contentLength: body.count,
                                             keepAlive: keepAlive, backend: runtime.backend.name, extraHeaders: extraHeaders)
        var buffer = context.channel.allocator.buffer(capacity: head.count + (sendsBody ? body.count : 0))
        buffer.writeBytes(head)
        if sendsBody { buffer.writeBytes(body) }
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { [self] result in
            self.finish(keepAlive: keepAlive && (try? result.get()) != nil, context: context)
        }
    }

    private func writeTruncated(status: Int, contentType: String, body: [UInt8], context: ChannelHandlerContext) {
        let head = FixtureResponseBytes.head(status: status, contentType: contentType, contentLength: body.count,
                                             keepAlive: true, backend: runtime.backend.name)
        var buffer = context.channel.allocator.buffer(capacity: head.count + body.count / 2)
        buffer.writeBytes(head)
        buffer.writeBytes(body[0..<(body.count / 2)])
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func writeDripping(status: Int, contentType: String, body: [UInt8], keepAlive: Bool,
                               chunk: Int, every: Duration, context: ChannelHandlerContext) {
        let head = FixtureResponseBytes.head(status: status, contentType: contentType, contentLength: body.count,
                                             keepAlive: keepAlive, backend: runtime.backend.name)
        var buffer = context.channel.allocator.buffer(capacity: head.count)
        buffer.writeBytes(head)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        drip(body: body, from: 0, chunk: max(chunk, 1), every: every, keepAlive: keepAlive, context: context)
    }

    private func drip(body: [UInt8], from offset: Int, chunk: Int, every: Duration, keepAlive: Bool, context: ChannelHandlerContext) {
        guard open else { return }
        guard offset < body.count else {
            finish(keepAlive: keepAlive, context: context)
            return
        }
        let end = offset + min(chunk, body.count - offset)
        after(every, context: context) { [self] in
            guard self.open else { return }
            var buffer = context.channel.allocator.buffer(capacity: end - offset)
            buffer.writeBytes(body[offset..<end])
            context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
            self.drip(body: body, from: end, chunk: chunk, every: every, keepAlive: keepAlive, context: context)
        }
    }

    /// SO_LINGER {on, 0} turns the close into an RST, which is what a crashed upstream looks like.
    private func resetConnection(context: ChannelHandlerContext) {
        guard let provider = context.channel as? SocketOptionProvider else {
            context.close(promise: nil)
            return
        }
        provider.setSoLinger(NIOLinger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func finish(keepAlive: Bool, context: ChannelHandlerContext) {
        guard open else { return }
        guard keepAlive else {
            context.close(promise: nil)
            return
        }
        busy = false
        startNext(context: context)
    }

    private func after(_ delay: Duration, context: ChannelHandlerContext, _ work: @escaping () -> Void) {
        let nanos = delay.nanoseconds
        guard nanos > 0 else {
            work()
            return
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) { [self] in
            self.timer = nil
            work()
        }
    }
}
