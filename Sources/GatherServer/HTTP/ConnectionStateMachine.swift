import GatherCore
import NIOCore
import NIOHTTP1

/// Everything one client connection knows, as a value: the request being received, the answer
/// owed, the requests pipelined behind it, whether the connection stays open, and what the access
/// line of the current request needs. Events go in, actions come out; `GatewayHandler` only
/// performs them. Generic over the in-flight call so that it stays a value apart from the
/// aggregation machinery (`GatewayHandler` uses `AggregationCall`).
///
/// HTTP/1.1 pipelining is kept here in place of NIO's `HTTPServerPipelineHandler`: request parts
/// and parse errors that arrive while an answer is owed wait in `queue`, in order, and are taken
/// once that answer has ended. NIO's handler also withholds `read()` for as long as any answer is
/// owed, which turns read interest off and on again for every request of a keep-alive connection
/// (two `epoll_ctl` calls); reads are withheld here only while something actually waits, i.e. only
/// for clients that really pipeline, which bounds what is buffered to what one read brought in.
///
/// Events the HTTP decoder never produces (a body before a head, a second head before the end)
/// stop the process with `preconditionFailure`, as swift-nio's own connection state machine does:
/// they are bugs here, not bad input (bad input reaches us as `.parseError`).
struct ConnectionStateMachine<Call> {
    enum Inbound {
        case part(HTTPServerRequestPart)
        case parseError(HTTPParserError)
    }

    /// A request refused before it was fully received: answered, then the connection closes.
    enum Refusal: Equatable {
        case targetTooLong(limit: Int)
        case headersTooLarge(limit: Int)
        case bodyTooLarge(limit: Int)
        case malformed(HTTPParserError)

        var status: HTTPResponseStatus {
            switch self {
            case .targetTooLong: .uriTooLong
            case .headersTooLarge: .requestHeaderFieldsTooLarge
            case .bodyTooLarge: .payloadTooLarge
            case .malformed(.headerOverflow): .requestHeaderFieldsTooLarge
            case .malformed: .badRequest
            }
        }

        var message: String {
            switch self {
            case .targetTooLong(let limit): "request target is longer than \(limit) bytes"
            case .headersTooLarge(let limit): "request headers are larger than \(limit) bytes"
            case .bodyTooLarge(let limit): "request body is larger than \(limit) bytes"
            case .malformed(.headerOverflow): "request headers are too large"
            case .malformed(.invalidURL): "malformed request target"
            case .malformed(.invalidMethod), .malformed(.unknown): "malformed request line"
            case .malformed(let error): "malformed HTTP request: \(error)"
            }
        }
    }

    enum ReadAction {
        /// Accumulated, queued behind the owed answer, or dropped on a closing connection.
        case none
        /// The client sent `Expect: 100-continue` and the request is acceptable so far.
        case sendContinue(HTTPRequestHead)
        /// Answer `refusal` with `Connection: close` (`head` is nil when none parsed), then close.
        case refuse(Refusal, head: HTTPRequestHead?)
        /// The request is complete: route it; an answer is owed (`answerWanted`, `answerEnded`).
        case dispatch(ClientRequest)
    }

    /// What the access line of the current request is made of, filled in as it is learned.
    struct Access {
        var startedAt = NIODeadline.uptimeNanoseconds(0)
        var head: HTTPRequestHead?
        var route: String?
        var identity: RequestIdentity?
        /// The routed request's path, so the access line need not find it again.
        var path: Substring?
    }

    private enum State {
        /// Between requests: `waitDeadline` runs (header timeout, then keep-alive idle).
        case waitingForHead
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// The request is complete and its answer owed; `Call` once an aggregation runs.
        case answering(Call?)
        /// A refusal, a `Connection: close` answer or the client's close: every later event is
        /// dropped and no answer is wanted any more.
        case closing
        /// Only while a body chunk is appended, so that the buffer is uniquely referenced.
        case modifying
    }

    private var state = State.waitingForHead
    private var queue = CircularBuffer<Inbound>(initialCapacity: 4)
    /// The gateway is draining: no answer keeps the connection open from now on.
    private(set) var quiescing = false
    let limits: ClientLimits
    /// When the connection closes unless a request head arrives first; nil while a request is
    /// received or answered.
    private(set) var waitDeadline: NIODeadline?
    /// The current request's access-line fields; reset by each request head.
    var access = Access()

    init(limits: ClientLimits) {
        self.limits = limits
    }

    /// The connection opened: the first head is due within the header timeout.
    mutating func opened(now: NIODeadline) {
        waitDeadline = now + limits.headerTimeout
        access.startedAt = now
    }

    /// Reads stop only while something waits behind the owed answer.
    var isHoldingReads: Bool { !queue.isEmpty }

    var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    mutating func read(_ inbound: Inbound, now: NIODeadline) -> ReadAction {
        switch state {
        case .answering:
            queue.append(inbound)
            return .none
        case .closing:
            return .none
        case .waitingForHead:
            switch inbound {
            case .part(.head(let head)):
                return receiveHead(head, now: now)
            case .part(let part):
                preconditionFailure("HTTP decoder delivered \(part) before a request head")
            case .parseError(let error):
                return refuse(.malformed(error), head: nil)
            }
        case .receiving(let head, var body):
            switch inbound {
            case .part(.head):
                preconditionFailure("HTTP decoder delivered a request head before the end of the previous request")
            case .part(.body(var chunk)):
                let received = (body?.readableBytes ?? 0) + chunk.readableBytes
                if received > limits.maxBodyBytes { return refuse(.bodyTooLarge(limit: limits.maxBodyBytes), head: head) }
                state = .modifying
                if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
                state = .receiving(head, body)
                return .none
            case .part(.end):
                state = .answering(nil)
                return .dispatch(ClientRequest(head: head, body: body))
            case .parseError(let error):
                return refuse(.malformed(error), head: head)
            }
        case .modifying:
            preconditionFailure("ConnectionStateMachine re-entered while appending a body chunk")
        }
    }

    private mutating func receiveHead(_ head: HTTPRequestHead, now: NIODeadline) -> ReadAction {
        waitDeadline = nil
        access = Access(startedAt: now, head: head)
        if head.uri.utf8.count > limits.maxRequestLineBytes {
            return refuse(.targetTooLong(limit: limits.maxRequestLineBytes), head: head)
        }
        var headerBytes = 0
        for header in head.headers { headerBytes += header.name.utf8.count + header.value.utf8.count + 4 }
        if headerBytes > limits.maxHeaderBytes {
            return refuse(.headersTooLarge(limit: limits.maxHeaderBytes), head: head)
        }
        if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > limits.maxBodyBytes {
            return refuse(.bodyTooLarge(limit: limits.maxBodyBytes), head: head)
        }
        state = .receiving(head, nil)
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" { return .sendContinue(head) }
        return .none
    }

    private mutating func refuse(_ refusal: Refusal, head: HTTPRequestHead?) -> ReadAction {
        state = .closing
        queue.removeAll()
        waitDeadline = nil
        return .refuse(refusal, head: head)
    }

    /// The dispatched request's aggregation started; it is told if the client leaves.
    mutating func started(_ call: Call) {
        guard case .answering(nil) = state else {
            preconditionFailure("an aggregation started while no request was dispatched")
        }
        state = .answering(call)
    }

    /// How long a connection that is between requests stays open once quiesced. A client may
    /// have sent its next request on the keep-alive connection just before: closing at once
    /// would meet it with a reset (the kernel's answer to unread bytes), a short linger serves
    /// it, with `Connection: close` (nginx's lingering close has the same reason).
    static var quiesceGrace: TimeAmount { .milliseconds(250) }

    /// The gateway began draining (`ChannelShouldQuiesceEvent`): no answer keeps the connection
    /// open from now on. Between requests it closes when `quiesceGrace` passes with no request
    /// head (the wait timer's `.close`); a request being received or answered finishes first, and
    /// its answer closes the connection; what was pipelined behind it is dropped.
    mutating func quiesce(now: NIODeadline) {
        quiescing = true
        switch state {
        case .waitingForHead:
            let grace = now + Self.quiesceGrace
            if waitDeadline.map({ $0 > grace }) ?? true { waitDeadline = grace }
        case .receiving, .answering, .closing:
            break
        case .modifying:
            preconditionFailure("ConnectionStateMachine re-entered while appending a body chunk")
        }
    }

    /// Whether an answer to a request asking for `keepAlive` leaves the connection open.
    func keepsAlive(_ requested: Bool) -> Bool { requested && !quiescing }

    /// Whether the owed answer may still be written: not once the client has gone (an aggregation
    /// finishing after that is dropped) or the connection is closing.
    var answerWanted: Bool {
        if case .answering = state { return true }
        return false
    }

    /// The owed answer's `.end` was written. With `keepAlive` the next request may come (within the
    /// idle timeout) and what was pipelined is taken with `nextQueued()`; without, the connection
    /// closes and the queue is dropped.
    mutating func answerEnded(keepAlive: Bool, now: NIODeadline) {
        guard case .answering = state else { preconditionFailure("an answer ended while none was owed") }
        if keepAlive && !quiescing {
            state = .waitingForHead
            waitDeadline = now + limits.keepAliveIdle
            // A request that never parses has no head to start its access line from.
            access = Access(startedAt: now)
        } else {
            state = .closing
            queue.removeAll()
        }
    }

    /// The next pipelined event to feed to `read`, while no answer is owed.
    mutating func nextQueued() -> Inbound? {
        switch state {
        case .waitingForHead, .receiving: return queue.popFirst()
        case .answering, .closing, .modifying: return nil
        }
    }

    /// The connection closed. Returns the aggregation to abandon (its answer was never written).
    mutating func closed() -> Call? {
        defer {
            state = .closing
            queue.removeAll()
            waitDeadline = nil
        }
        if case .answering(let call?) = state { return call }
        return nil
    }

    /// What the wait timer does when it fires (it is moved lazily, see `GatewayHandler`).
    func waitTimerFired(now: NIODeadline) -> WaitTimer {
        guard let waitDeadline else { return .idle }
        return now >= waitDeadline ? .close : .again(waitDeadline)
    }

    enum WaitTimer: Equatable {
        /// A request is being received or answered: nothing to enforce (the next wait schedules again).
        case idle
        /// The deadline passed with no request head.
        case close
        /// The deadline moved later since the timer was scheduled.
        case again(NIODeadline)
    }
}
