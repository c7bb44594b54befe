import NIOCore
import NIOHTTP1

/// HTTP/1.1 pipelining for the gateway's client connections, in place of NIO's
/// `HTTPServerPipelineHandler`: the handlers behind it see one request at a time; request parts
/// and parse errors that arrive while a response is still owed wait here, in order, and are
/// delivered once that response's `.end` has been written.
///
/// NIO's handler also withholds `read()` for as long as any response is owed, so that for every
/// request on a keep-alive connection the channel turns read interest off and on again (two
/// `epoll_ctl` calls per request). This one withholds reads only while something is actually
/// waiting — i.e. only for clients that really pipeline — which bounds what it buffers to what one
/// read brought in. Quiescing (`ChannelShouldQuiesceEvent`) is not handled: the gateway drains by
/// answering with `Connection: close` instead.
final class RequestQueueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum Event {
        case part(HTTPServerRequestPart)
        case error(Error)
    }

    private var queue = RequestQueue()
    private var readPending = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let ready = queue.arrived(.part(unwrapInboundIn(data))) {
            deliver(ready, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // A parse error answers in its turn, after the responses owed before it.
        if let ready = queue.arrived(.error(error)) {
            deliver(ready, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd: Bool
        if case .end = unwrapOutboundIn(data) { isEnd = true } else { isEnd = false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        queue.responseEnded()
        while let event = queue.nextReady() {
            deliver(event, context: context)
        }
        if readPending && !queue.isHoldingReads {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if queue.isHoldingReads {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        queue.drop()
        context.fireChannelInactive()
    }

    private func deliver(_ event: Event, context: ChannelHandlerContext) {
        switch event {
        case .part(let part): context.fireChannelRead(wrapInboundOut(part))
        case .error(let error): context.fireErrorCaught(error)
        }
    }
}

/// The ordering rule of `RequestQueueHandler`, apart from NIO so it can be tested as a value:
/// an event passes at once unless a response is owed (a request's `.end` went through and its
/// response's `.end` has not been written) or earlier events are still waiting.
struct RequestQueue {
    private var waiting: CircularBuffer<RequestQueueHandler.Event> = CircularBuffer(initialCapacity: 4)
    private var responseOwed = false
    /// After a parse error has been delivered the connection is closing: nothing else goes through.
    private var failed = false

    /// Reads stop only while something waits behind the owed response.
    var isHoldingReads: Bool { !waiting.isEmpty }

    /// The event to deliver now, or nil when it waits (or is dropped after a parse error).
    mutating func arrived(_ event: RequestQueueHandler.Event) -> RequestQueueHandler.Event? {
        guard !failed else { return nil }
        if responseOwed || !waiting.isEmpty {
            waiting.append(event)
            return nil
        }
        note(delivered: event)
        return event
    }

    /// The response's `.end` was written; `nextReady()` now hands out what waited.
    mutating func responseEnded() {
        responseOwed = false
    }

    /// The next waiting event that may be delivered: in order, up to and including the next
    /// request's `.end` (then a response is owed again) or a parse error (then the rest is dropped).
    mutating func nextReady() -> RequestQueueHandler.Event? {
        guard !responseOwed, !failed, let event = waiting.popFirst() else { return nil }
        note(delivered: event)
        if failed { waiting.removeAll() }
        return event
    }

    mutating func drop() {
        waiting.removeAll()
    }

    private mutating func note(delivered event: RequestQueueHandler.Event) {
        switch event {
        case .part(.end): responseOwed = true
        case .part: break
        case .error: failed = true
        }
    }
}
