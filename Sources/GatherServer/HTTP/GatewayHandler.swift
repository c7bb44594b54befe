import GatherCore
import NIOCore
import NIOHTTP1

/// One client connection: performs what its `ConnectionStateMachine` decides (client limits,
/// pipelining, keep-alive, the access line), routes each request and hands it to an
/// `AggregationCall`, then writes the answer. Runs entirely on the connection's event loop. It is
/// the only handler behind the HTTP codec: it answers parse errors itself (in their turn) and
/// withholds reads while pipelined requests wait.
final class GatewayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: GatewayContext
    private var machine: ConnectionStateMachine<AggregationCall>
    /// One timer enforces the machine's `waitDeadline`, moved lazily (see `armWaitTimer`), so a
    /// request on a keep-alive connection costs a clock read instead of scheduling and cancelling
    /// a task.
    private var waitTimer: Scheduled<Void>?
    private var waitTimerAt: NIODeadline?
    /// A `read()` withheld while pipelined requests wait.
    private var readPending = false
    /// Set while queued requests are taken, so an answer written meanwhile does not start another round.
    private var takingQueued = false
    /// Request ids need to be unique, not secret: seeded once per connection from the system.
    private var random: SplitMixGenerator = {
        var system = SystemRandomNumberGenerator()
        return SplitMixGenerator(seed: system.next())
    }()
    /// Made at this connection's first gzipped answer: connections of clients that never accept
    /// gzip (or get only small answers) never have one.
    private var gzip: ResponseGzip?
    /// Set once an idle connection has sent its FIN (`closeIdle`): what it reads is dropped.
    private var lingering: Scheduled<Void>?

    init(gateway: GatewayContext) {
        self.gateway = gateway
        self.machine = ConnectionStateMachine(limits: gateway.limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        machine.opened(now: context.eventLoop.now)
        armWaitTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        gzip?.close()
        gzip = nil
        waitTimer?.cancel()
        waitTimer = nil
        lingering?.cancel()
        let access = machine.access
        if let call = machine.closed() {
            call.clientGone()
            // The call never responds now, and `respond` is what gives the in-flight slot back.
            gateway.admission.leave()
            // Never answered: logged with nginx's "client closed request".
            logAccess(status: 499, access: access, response: nil, context: context)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard lingering == nil else { return }  // a request sent as the connection closed: no answer
        perform(machine.read(.part(unwrapInboundIn(data)), now: context.eventLoop.now), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if lingering != nil, error is HTTPParserError { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // Answered in its turn, after the answers owed before it.
        perform(machine.read(.parseError(parserError), now: context.eventLoop.now), context: context)
    }

    /// The drain's signal (`ServerQuiescingHelper`): an idle connection closes after a short
    /// linger (`ConnectionStateMachine.quiesceGrace`), a busy one after its answer.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        machine.quiesce(now: context.eventLoop.now)
        armWaitTimer(context: context)
    }

    /// While draining (from `/readyz` turning 503, through the accept grace), answers close their
    /// connection, so clients go elsewhere.
    private func keepsAlive(_ head: HTTPRequestHead) -> Bool {
        machine.keepsAlive(head.isKeepAlive) && !gateway.health.isDraining
    }

    func read(context: ChannelHandlerContext) {
        if machine.isHoldingReads && lingering == nil {
            readPending = true
        } else {
            context.read()
        }
    }

    private func perform(_ action: ConnectionStateMachine<AggregationCall>.ReadAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .sendContinue(let head):
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                  promise: nil)
        case .refuse(let refusal, let head):
            refuse(refusal, head: head, context: context)
        case .dispatch(let request):
            dispatch(request, context: context)
        }
    }

    /// Pipelined requests waiting behind the answer just ended, until one owes an answer again.
    private func takeQueued(context: ChannelHandlerContext) {
        guard !takingQueued else { return }
        takingQueued = true
        while let next = machine.nextQueued() {
            perform(machine.read(next, now: context.eventLoop.now), context: context)
        }
        takingQueued = false
        if readPending && !machine.isHoldingReads {
            readPending = false
            context.read()
        }
    }

    private func dispatch(_ request: ClientRequest, context: ChannelHandlerContext) {
        let head = request.head
        let identity = Self.identity(for: head, using: &random)
        machine.access.identity = identity
        machine.access.path = request.path
        guard gateway.admission.enter() else {
            gateway.metrics.recordRejected(status: 503)
            write(.error(.serviceUnavailable, "gateway is at its in-flight limit", allocator: context.channel.allocator,
                         extraHeaders: [("Retry-After", "1"), ("X-Request-Id", identity.requestID)]),
                  head: head, context: context)
            return
        }
        let table = gateway.routes.current
        let isHead = head.method == .HEAD
        var found = table.match(method: head.method.rawValue, path: request.path)
        // A HEAD no route declares is answered by the GET route: the same aggregation (upstreams
        // asked with GET), the same headers, no body (RFC 9110 9.3.2).
        var headOnGet = false
        if found == nil, isHead, let get = table.match(method: "GET", path: request.path) {
            found = get
            headOnGet = true
        }
        guard let match = found else {
            gateway.admission.leave()
            let allowed = table.allowsPath(request.path)
            let response: JSONResponse = allowed.isEmpty
                ? .error(.notFound, "no route matches \(head.method.rawValue) \(request.path)",
                         allocator: context.channel.allocator, extraHeaders: [("X-Request-Id", identity.requestID)])
                : .error(.methodNotAllowed, "\(head.method.rawValue) is not allowed on \(request.path)",
                         allocator: context.channel.allocator,
                         extraHeaders: [("Allow", allowed.joined(separator: ", ")), ("X-Request-Id", identity.requestID)])
            gateway.metrics.recordRejected(status: Int(response.status.code))
            write(response, head: head, context: context)
            return
        }
        machine.access.route = match.route.route.name
        var routed = request
        if headOnGet { routed.head.method = .GET }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let progressive = !isHead && match.route.route.complete != .first
            && head.headers[canonicalForm: "accept"].contains { $0.lowercased().hasPrefix("text/event-stream") }
        let call = AggregationCall.prepare(
            runtime: match.route, pathParameters: match.params, request: routed, identity: identity,
            gateway: gateway, eventLoop: context.eventLoop,
            onUpstream: progressive ? { event in
                let (handler, context) = loopBound.value
                handler.writeEvent(event, context: context)
            } : nil,
            respond: { response in
                let (handler, context) = loopBound.value
                handler.gateway.admission.leave()
                if progressive {
                    handler.finishEventStream(response, head: head, context: context)
                } else {
                    handler.write(response, head: head, context: context)
                }
            })
        switch call {
        case .success(let call):
            machine.started(call)
            if progressive { startEventStream(head: head, requestID: identity.requestID, context: context) }
            call.start()
        case .failure(let message):
            gateway.admission.leave()
            gateway.metrics.recordRejected(status: 400)
            write(.error(.badRequest, message.description, allocator: context.channel.allocator,
                         extraHeaders: [("X-Request-Id", identity.requestID)]),
                  head: head, context: context)
        }
    }

    private func write(_ response: JSONResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard machine.answerWanted else { return }
        logAccess(status: Int(response.status.code), access: machine.access, response: response, context: context)
        send(response, head: head, keepAlive: keepsAlive(head), context: context)
    }

    /// The client's ids: a `traceparent` sent more than once is invalid (the values would be
    /// joined into one that does not parse); several `tracestate` headers are one list.
    static func identity(for head: HTTPRequestHead, using random: inout SplitMixGenerator) -> RequestIdentity {
        let traceparents = head.headers["traceparent"]
        let tracestates = head.headers["tracestate"]
        return RequestIdentity.make(
            clientRequestID: head.headers.first(name: "x-request-id"),
            clientTraceparent: traceparents.count == 1 ? traceparents[0] : nil,
            clientTracestate: tracestates.isEmpty ? nil : tracestates.count == 1 ? tracestates[0] : tracestates.joined(separator: ","),
            using: &random)
    }

    /// One access line per request: answered, refused, or given up by the client. A request
    /// that never parsed has no method, path or client ids (`-`).
    private func logAccess(status: Int, access: ConnectionStateMachine<AggregationCall>.Access, response: JSONResponse?,
                           context: ChannelHandlerContext) {
        guard let accessLog = gateway.accessLog, accessLog.isEnabled else { return }
        let identity = access.identity ?? access.head.map { Self.identity(for: $0, using: &random) }
        accessLog.write(AccessRecord(
            route: access.route, method: access.head?.method.rawValue ?? "-",
            path: access.path ?? access.head.map { ClientRequest.path(of: $0.uri) } ?? "-", status: status,
            partial: response?.partial ?? false,
            durationNanoseconds: Int64(context.eventLoop.now.uptimeNanoseconds &- access.startedAt.uptimeNanoseconds),
            requestID: identity?.requestID ?? "-", trace: identity?.trace, upstreams: response?.upstreams ?? [],
            winner: response?.winner))
    }

    /// Head, body (none for HEAD) and end of a complete response; then the connection waits for
    /// the next request or closes.
    private func send(_ response: JSONResponse, head: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = response.headers
        var body = response.body
        // An aggregated answer over the threshold, gzipped for a client that takes gzip. Checked
        // cheapest first: error answers, HEAD and small envelopes never look at Accept-Encoding.
        // A HEAD answer keeps identity headers (its Content-Length is the identity body's).
        if response.compressible, head.method != .HEAD, let minimum = gateway.gzipMinimumBytes,
           body.readableBytes > minimum, AcceptEncoding.acceptsGzip(head.headers[canonicalForm: "accept-encoding"]) {
            let encoder = gzip ?? ResponseGzip()
            gzip = encoder
            if let compressed = encoder.compress(body), compressed.readableBytes < body.readableBytes {
                headers.add(name: "Content-Encoding", value: "gzip")
                body = compressed
            }
        }
        // The answers built here carry no Content-Length: adding it spares `replaceOrAdd`'s copy.
        if headers.contains(name: "Content-Length") {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        } else {
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD && body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        endAnswer(keepAlive: keepAlive, context: context)
    }

    /// Ends the owed answer: the connection then waits for the next request (pipelined ones are
    /// taken at once) or closes once the end is written.
    private func endAnswer(keepAlive: Bool, context: ChannelHandlerContext) {
        machine.answerEnded(keepAlive: keepAlive, now: context.eventLoop.now)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            armWaitTimer(context: context)
            takeQueued(context: context)
        } else {
            closeAfterEnd(context: context)
        }
    }

    /// Progressive answers: the head goes out at once (chunked), events as upstreams settle.
    private func startEventStream(head: HTTPRequestHead, requestID: String, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Request-Id", value: requestID)
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                              promise: nil)
    }

    private func writeEvent(_ event: [UInt8], context: ChannelHandlerContext) {
        guard machine.answerWanted else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: event)))),
                              promise: nil)
    }

    private func finishEventStream(_ response: JSONResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard machine.answerWanted else { return }
        let envelope = Array(response.body.readableBytesView)
        let event = ProgressEvent.result(status: Int(response.status.code), envelope: envelope)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: event)))), promise: nil)
        logAccess(status: Int(response.status.code), access: machine.access, response: response, context: context)
        endAnswer(keepAlive: keepsAlive(head), context: context)
    }

    /// A request refused before it was fully received (a client limit, malformed HTTP): a JSON
    /// error with `Connection: close` and an `X-Request-Id`, then the connection closes.
    private func refuse(_ refusal: ConnectionStateMachine<AggregationCall>.Refusal, head: HTTPRequestHead?,
                        context: ChannelHandlerContext) {
        let status = refusal.status
        gateway.metrics.recordRejected(status: Int(status.code))
        // A head that parsed keeps the client's ids; a request that did not has none to keep.
        let identity = head.map { Self.identity(for: $0, using: &random) }
            ?? RequestIdentity.make(clientRequestID: nil, clientTraceparent: nil, clientTracestate: nil, using: &random)
        machine.access.identity = identity
        var response = JSONResponse.error(status, refusal.message, allocator: context.channel.allocator,
                                          extraHeaders: [("X-Request-Id", identity.requestID)])
        logAccess(status: Int(status.code), access: machine.access, response: nil, context: context)
        response.headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        response.headers.replaceOrAdd(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head?.version ?? .http1_1, status: status,
                                                             headers: response.headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        closeAfterEnd(context: context)
    }

    /// Writes the answer's end, then closes once it is written (a close right away could cut the
    /// answer short).
    private func closeAfterEnd(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Closes a connection that sends no request head in time (slow clients, idle keep-alive).
    /// The timer already scheduled is kept when it fires no later than the machine's deadline: it
    /// then looks again (`waitTimerFired`). So a busy connection schedules about one timer per
    /// `keepAliveIdle`, not one per request.
    private func armWaitTimer(context: ChannelHandlerContext) {
        guard let deadline = machine.waitDeadline else { return }
        if let at = waitTimerAt, at <= deadline { return }
        scheduleWaitTimer(at: deadline, context: context)
    }

    private func scheduleWaitTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        waitTimer?.cancel()
        waitTimerAt = deadline
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        waitTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.waitTimerFired(context: context)
        }
    }

    private func waitTimerFired(context: ChannelHandlerContext) {
        waitTimer = nil
        waitTimerAt = nil
        switch machine.waitTimerFired(now: context.eventLoop.now) {
        case .idle: break
        case .close: closeIdle(context: context)
        case .again(let at): scheduleWaitTimer(at: at, context: context)
        }
    }

    /// How long an idle connection that has sent its FIN keeps reading before it closes anyway:
    /// a few round trips, for whatever the client sent before the FIN reached it.
    static let lingerLimit: TimeAmount = .milliseconds(500)

    /// Closes a connection that waited too long for a request head (idle keep-alive, a slow
    /// head, the drain's linger) without a reset: a socket closed while bytes it has not read
    /// are in its buffer (a request sent just as the wait ran out) answers them with RST, which
    /// a client reports as an error, while a FIN before any answer is the keep-alive race that
    /// clients retry on a new connection (RFC 9112 9.3.1; libcurl does for a reused connection
    /// that gave nothing back). So the output closes first, and reads are dropped until the
    /// client closes its side (NIO then closes the channel) or `lingerLimit` passes: nginx's
    /// lingering close. Where half-closing is not possible (an HTTP/2 stream) it closes at once.
    private func closeIdle(context: ChannelHandlerContext) {
        guard lingering == nil else { return }
        let channel = context.channel
        lingering = context.eventLoop.scheduleTask(in: Self.lingerLimit) { channel.close(promise: nil) }
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.close(mode: .output, promise: halfClosed)
        if readPending {
            readPending = false
            context.read()
        }
    }
}
