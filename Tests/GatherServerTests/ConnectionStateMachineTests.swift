import NIOCore
import NIOHTTP1
import Testing
@testable import GatherServer

/// The connection's transitions as a value: events in, actions out, the clock a number.
@Suite("ConnectionStateMachine")
struct ConnectionStateMachineTests {
    private typealias Machine = ConnectionStateMachine<String>
    private static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func head(_ uri: String = "/a", _ headers: HTTPHeaders = [:]) -> Machine.Inbound {
        .part(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)))
    }

    private func kind(_ action: Machine.ReadAction) -> String {
        switch action {
        case .none: "none"
        case .sendContinue: "continue"
        case .refuse(let refusal, _): "refuse \(refusal.status.code)"
        case .dispatch(let request): "dispatch \(request.head.uri)"
        }
    }

    @Test("head and end dispatch the request; the answer is then wanted until it ends")
    func oneRequest() {
        var machine = Machine(limits: ClientLimits())
        machine.opened(now: Self.t0)
        #expect(machine.waitDeadline == Self.t0 + .seconds(10))
        #expect(kind(machine.read(head(), now: Self.t0)) == "none")
        #expect(machine.waitDeadline == nil)
        #expect(kind(machine.read(.part(.end(nil)), now: Self.t0)) == "dispatch /a")
        #expect(machine.answerWanted)
        machine.started("call")
        machine.answerEnded(keepAlive: true, now: Self.t0 + .seconds(1))
        #expect(!machine.answerWanted)
        #expect(machine.waitDeadline == Self.t0 + .seconds(61))
    }

    @Test("parts arriving while an answer is owed wait, in order, and hold reads; they are taken after the answer")
    func pipelined() {
        var machine = Machine(limits: ClientLimits())
        machine.opened(now: Self.t0)
        _ = machine.read(head("/a"), now: Self.t0)
        _ = machine.read(.part(.end(nil)), now: Self.t0)
        #expect(!machine.isHoldingReads, "nothing waits: reads go on while the answer is owed")
        #expect(kind(machine.read(head("/b"), now: Self.t0)) == "none")
        #expect(kind(machine.read(.part(.end(nil)), now: Self.t0)) == "none")
        #expect(kind(machine.read(head("/c"), now: Self.t0)) == "none")
        #expect(machine.isHoldingReads)
        #expect(machine.nextQueued() == nil, "nothing is taken while the answer is owed")
        machine.answerEnded(keepAlive: true, now: Self.t0)
        var actions: [String] = []
        while let next = machine.nextQueued() { actions.append(kind(machine.read(next, now: Self.t0))) }
        #expect(actions == ["none", "dispatch /b"], "taking stops where an answer is owed again")
        #expect(machine.isHoldingReads, "/c still waits")
        machine.answerEnded(keepAlive: true, now: Self.t0)
        let last = machine.nextQueued().map { kind(machine.read($0, now: Self.t0)) }
        #expect(last == "none")
        #expect(!machine.isHoldingReads)
    }

    @Test("a parse error behind an owed answer is refused in its turn; after a close answer the queue is dropped")
    func parseErrorInTurn() {
        var machine = Machine(limits: ClientLimits())
        _ = machine.read(head(), now: Self.t0)
        _ = machine.read(.part(.end(nil)), now: Self.t0)
        #expect(kind(machine.read(.parseError(.invalidMethod), now: Self.t0)) == "none")
        machine.answerEnded(keepAlive: true, now: Self.t0)
        let next = machine.nextQueued().map { kind(machine.read($0, now: Self.t0)) }
        #expect(next == "refuse 400")
        #expect(machine.isClosing)

        var closing = Machine(limits: ClientLimits())
        _ = closing.read(head(), now: Self.t0)
        _ = closing.read(.part(.end(nil)), now: Self.t0)
        _ = closing.read(head("/b"), now: Self.t0)
        closing.answerEnded(keepAlive: false, now: Self.t0)
        #expect(closing.nextQueued() == nil)
        #expect(!closing.isHoldingReads)
    }

    @Test("limits refuse at the head (target, headers, declared body) or at the chunk that crosses the body limit")
    func limits() {
        var limits = ClientLimits()
        limits.maxRequestLineBytes = 8
        limits.maxHeaderBytes = 40
        limits.maxBodyBytes = 4
        var target = Machine(limits: limits)
        #expect(kind(target.read(head("/123456789"), now: Self.t0)) == "refuse 414")
        #expect(kind(target.read(.part(.end(nil)), now: Self.t0)) == "none", "the rest of a refused request is dropped")
        var headers = Machine(limits: limits)
        #expect(kind(headers.read(head("/", ["X-Big": String(repeating: "b", count: 40)]), now: Self.t0)) == "refuse 431")
        var declared = Machine(limits: limits)
        #expect(kind(declared.read(head("/", ["Content-Length": "5"]), now: Self.t0)) == "refuse 413")
        var chunked = Machine(limits: limits)
        _ = chunked.read(head("/"), now: Self.t0)
        #expect(kind(chunked.read(.part(.body(ByteBuffer(string: "abc"))), now: Self.t0)) == "none")
        #expect(kind(chunked.read(.part(.body(ByteBuffer(string: "de"))), now: Self.t0)) == "refuse 413")
    }

    @Test("the body arrives whole in the dispatched request")
    func bodyAccumulates() {
        var machine = Machine(limits: ClientLimits())
        _ = machine.read(head("/"), now: Self.t0)
        _ = machine.read(.part(.body(ByteBuffer(string: "ab"))), now: Self.t0)
        _ = machine.read(.part(.body(ByteBuffer(string: "cd"))), now: Self.t0)
        guard case .dispatch(let request) = machine.read(.part(.end(nil)), now: Self.t0) else {
            Issue.record("not dispatched")
            return
        }
        #expect(request.body.map { String(buffer: $0) } == "abcd")
    }

    @Test("the wait timer: nothing to enforce while a request runs, close past the deadline, again before it")
    func waitTimer() {
        var machine = Machine(limits: ClientLimits())
        machine.opened(now: Self.t0)
        #expect(machine.waitTimerFired(now: Self.t0 + .seconds(9)) == .again(Self.t0 + .seconds(10)))
        #expect(machine.waitTimerFired(now: Self.t0 + .seconds(10)) == .close)
        _ = machine.read(head(), now: Self.t0)
        #expect(machine.waitTimerFired(now: Self.t0 + .seconds(20)) == .idle)
    }

    @Test("closing hands back the call only while its answer is owed")
    func closedReturnsCall() {
        var machine = Machine(limits: ClientLimits())
        _ = machine.read(head(), now: Self.t0)
        _ = machine.read(.part(.end(nil)), now: Self.t0)
        machine.started("call")
        #expect(machine.closed() == "call")
        #expect(!machine.answerWanted, "an aggregation finishing after the client left is not written")
        var answered = Machine(limits: ClientLimits())
        _ = answered.read(head(), now: Self.t0)
        _ = answered.read(.part(.end(nil)), now: Self.t0)
        answered.started("call")
        answered.answerEnded(keepAlive: true, now: Self.t0)
        #expect(answered.closed() == nil)
    }

    @Test("quiescing: between requests the connection lingers 250ms, then closes; a request in the linger is served with close; a busy one finishes its answer, then closes, dropping what was pipelined")
    func quiesce() {
        var idle = Machine(limits: ClientLimits())
        idle.opened(now: Self.t0)
        idle.quiesce(now: Self.t0)
        #expect(idle.waitDeadline == Self.t0 + .milliseconds(250), "the linger replaces the 10 s header timeout")
        #expect(idle.waitTimerFired(now: Self.t0 + .milliseconds(250)) == .close)

        var lingering = Machine(limits: ClientLimits())
        lingering.opened(now: Self.t0)
        lingering.quiesce(now: Self.t0)
        _ = lingering.read(head("/late"), now: Self.t0 + .milliseconds(100))
        let late = lingering.read(.part(.end(nil)), now: Self.t0 + .milliseconds(100))
        #expect(kind(late) == "dispatch /late", "a request already on its way is served")
        #expect(!lingering.keepsAlive(true), "with Connection: close")

        var busy = Machine(limits: ClientLimits())
        busy.opened(now: Self.t0)
        _ = busy.read(head("/a"), now: Self.t0)
        _ = busy.read(.part(.end(nil)), now: Self.t0)
        busy.started("call")
        _ = busy.read(head("/b"), now: Self.t0)
        busy.quiesce(now: Self.t0)
        #expect(busy.answerWanted, "an answer is owed: it is written first")
        #expect(busy.waitDeadline == nil)
        #expect(!busy.keepsAlive(true), "the answer says Connection: close")
        busy.answerEnded(keepAlive: true, now: Self.t0)
        #expect(busy.isClosing)
        #expect(busy.nextQueued() == nil, "the pipelined /b is dropped")
    }
}
