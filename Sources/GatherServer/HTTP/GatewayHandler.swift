import GatherCore
import NIOCore
import NIOHTTP1

/// One client connection: enforces the client limits, routes each request and hands it to an
/// `AggregationCall`, then writes the answer. Runs entirely on the connection's event loop.
final class GatewayHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// The body went over the limit: the rest of it is dropped and the connection closes.
        case discarding
        case dispatched(AggregationCall?)
    }

    private let gateway: GatewayContext
    private var state: State = .idle
    /// When the connection closes unless a request head arrives first; nil while a request is
    /// being served. One timer enforces it, moved lazily (see `armWaitTimer`), so a request on a
    /// keep-alive connection costs a clock read instead of scheduling and cancelling a task.
    private var waitDeadline: NIODeadline?
    private var waitTimer: Scheduled<Void>?
    private var waitTimerAt: NIODeadline?
    /// Request ids need to be unique, not secret: seeded once per connection.
    private var random = SplitMixGenerator()
    /// The current request, for its access line: when its head arrived (uptime ns), its route
    /// once matched, its identity once made.
    private var requestStartedAt: UInt64 = 0
    private var accessRoute: String?
    private var accessIdentity: RequestIdentity?
    private var accessHead: HTTPRequestHead?
    /// The routed request's path, so the access line need not find it again.
    private var accessPath: Substring?
    /// Made at this connection's first gzipped answer: connections of clients that never accept
    /// gzip (or get only small answers) never have one.
    private var gzip: ResponseGzip?

    init(gateway: GatewayContext) {
        self.gateway = gateway
    }

    func channelActive(context: ChannelHandlerContext) {
        armWaitTimer(context: context, after: gateway.limits.headerTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        gzip?.close()
        gzip = nil
        waitTimer?.cancel()
        waitTimer = nil
        waitDeadline = nil
        if case .dispatched(let call?) = state {
            call.clientGone()
            // The call never responds now, and `respond` is what gives the in-flight slot back.
            gateway.admission.leave()
            // Never answered: logged with nginx's "client closed request".
            if let head = accessHead { logAccess(status: 499, head: head, response: nil) }
        }
        state = .idle
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            waitDeadline = nil  // the timer, if it fires meanwhile, finds nothing to enforce
            receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body) = state else { return }
            let received = (body?.readableBytes ?? 0) + chunk.readableBytes
            if received > gateway.limits.maxBodyBytes {
                state = .discarding
                respondAndClose(.error(.payloadTooLarge, "request body is larger than \(gateway.limits.maxBodyBytes) bytes",
                                       allocator: context.channel.allocator), head: head, context: context)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
            state = .receiving(head, body)
        case .end:
            switch state {
            case .receiving(let head, let body):
                dispatch(ClientRequest(head: head, body: body), context: context)
            case .discarding, .dispatched, .idle:
                break
            }
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        requestStartedAt = NIODeadline.now().uptimeNanoseconds
        accessRoute = nil
        accessIdentity = nil
        accessPath = nil
        accessHead = head
        let limits = gateway.limits
        if head.uri.utf8.count > limits.maxRequestLineBytes {
            state = .discarding
            respondAndClose(.error(.uriTooLong, "request target is longer than \(limits.maxRequestLineBytes) bytes",
                                   allocator: context.channel.allocator), head: head, context: context)
            return
        }
        var headerBytes = 0
        for header in head.headers { headerBytes += header.name.utf8.count + header.value.utf8.count + 4 }
        if headerBytes > limits.maxHeaderBytes {
            state = .discarding
            respondAndClose(.error(.requestHeaderFieldsTooLarge, "request headers are larger than \(limits.maxHeaderBytes) bytes",
                                   allocator: context.channel.allocator), head: head, context: context)
            return
        }
        if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > limits.maxBodyBytes {
            state = .discarding
            respondAndClose(.error(.payloadTooLarge, "request body is larger than \(limits.maxBodyBytes) bytes",
                                   allocator: context.channel.allocator), head: head, context: context)
            return
        }
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                                  promise: nil)
        }
        state = .receiving(head, nil)
    }

    private func dispatch(_ request: ClientRequest, context: ChannelHandlerContext) {
        let head = request.head
        let identity = Self.identity(for: head, using: &random)
        accessIdentity = identity
        accessPath = request.path
        guard gateway.admission.enter() else {
            gateway.metrics.recordRejected(status: 503)
            state = .dispatched(nil)
            write(.error(.serviceUnavailable, "gateway is at its in-flight limit", allocator: context.channel.allocator,
                         extraHeaders: [("Retry-After", "1"), ("X-Request-Id", identity.requestID)]),
                  head: head, context: context)
            return
        }
        let table = gateway.routes.current
        guard let match = table.match(method: head.method.rawValue, path: request.path) else {
            gateway.admission.leave()
            state = .dispatched(nil)
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
        accessRoute = match.route.route.name
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let progressive = match.route.route.complete != .first
            && head.headers[canonicalForm: "accept"].contains { $0.lowercased().hasPrefix("text/event-stream") }
        let call = AggregationCall.prepare(
            runtime: match.route, pathParameters: match.params, request: request, identity: identity,
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
            state = .dispatched(call)
            if progressive { startEventStream(head: head, requestID: identity.requestID, context: context) }
            call.start()
        case .failure(let message):
            gateway.admission.leave()
            gateway.metrics.recordRejected(status: 400)
            state = .dispatched(nil)
            write(.error(.badRequest, message.description, allocator: context.channel.allocator,
                         extraHeaders: [("X-Request-Id", identity.requestID)]),
                  head: head, context: context)
        }
    }

    private func write(_ response: JSONResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .dispatched = state else { return }
        state = .idle
        logAccess(status: Int(response.status.code), head: head, response: response)
        // While draining, answers close their connection: the drain ends by closing idle ones.
        send(response, head: head, keepAlive: head.isKeepAlive && !gateway.health.isDraining, context: context)
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

    /// One access line per request: answered, rejected, or given up by the client.
    private func logAccess(status: Int, head: HTTPRequestHead, response: JSONResponse?) {
        defer {
            accessRoute = nil
            accessIdentity = nil
            accessHead = nil
            accessPath = nil
        }
        guard let accessLog = gateway.accessLog, accessLog.isEnabled else { return }
        let identity = accessIdentity ?? Self.identity(for: head, using: &random)
        accessLog.write(AccessRecord(
            route: accessRoute, method: head.method.rawValue, path: accessPath ?? ClientRequest.path(of: head.uri), status: status,
            partial: response?.partial ?? false,
            durationNanoseconds: Int64(NIODeadline.now().uptimeNanoseconds &- requestStartedAt),
            requestID: identity.requestID, trace: identity.trace, upstreams: response?.upstreams ?? [],
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
        headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD && body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        endResponse(keepAlive: keepAlive, context: context)
    }

    private func endResponse(keepAlive: Bool, context: ChannelHandlerContext) {
        if keepAlive {
            // Armed first: writing `.end` may deliver a pipelined request at once, whose head
            // must find the wait over.
            armWaitTimer(context: context, after: gateway.limits.keepAliveIdle)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
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
        guard case .dispatched = state else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: event)))),
                              promise: nil)
    }

    private func finishEventStream(_ response: JSONResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .dispatched = state else { return }
        let envelope = Array(response.body.readableBytesView)
        let event = ProgressEvent.result(status: Int(response.status.code), envelope: envelope)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: event)))), promise: nil)
        state = .idle
        logAccess(status: Int(response.status.code), head: head, response: response)
        endResponse(keepAlive: head.isKeepAlive && !gateway.health.isDraining, context: context)
    }

    private func respondAndClose(_ response: JSONResponse, head: HTTPRequestHead, context: ChannelHandlerContext) {
        gateway.metrics.recordRejected(status: Int(response.status.code))
        let identity = accessIdentity ?? Self.identity(for: head, using: &random)
        accessIdentity = identity
        var response = response
        response.headers.add(name: "X-Request-Id", value: identity.requestID)
        logAccess(status: Int(response.status.code), head: head, response: response)
        send(response, head: head, keepAlive: false, context: context)
    }

    /// Closes a connection that sends no request head in time (slow clients, idle keep-alive).
    /// The timer already scheduled is kept when it fires no later than the new deadline: it then
    /// looks again (`waitTimerFired`). So a busy connection schedules about one timer per
    /// `keepAliveIdle`, not one per request.
    private func armWaitTimer(context: ChannelHandlerContext, after delay: TimeAmount) {
        let deadline = NIODeadline.now() + delay
        waitDeadline = deadline
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
        switch WaitTimer.onFire(deadline: waitDeadline, now: .now()) {
        case .idle: break
        case .close: context.channel.close(promise: nil)
        case .again(let at): scheduleWaitTimer(at: at, context: context)
        }
    }
}

/// What the lazily moved wait timer does when it fires.
enum WaitTimer: Equatable {
    /// A request is being served: nothing to enforce (the next arming schedules again).
    case idle
    /// The deadline passed with no request head.
    case close
    /// The deadline moved later since the timer was scheduled.
    case again(NIODeadline)

    static func onFire(deadline: NIODeadline?, now: NIODeadline) -> WaitTimer {
        guard let deadline else { return .idle }
        return now >= deadline ? .close : .again(deadline)
    }
}
