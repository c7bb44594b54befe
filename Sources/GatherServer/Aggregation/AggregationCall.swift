import GatherCore
import GatherCurl
import NIOCore
import NIOHTTP1

/// The shell of one client request's fan-out: performs what its `AggregationCoordinator`
/// decides — libcurl transfers, the event-loop timer, the upstreams' health bookkeeping,
/// progressive events, the answer — and reports back what came of it. Lives on the client
/// connection's event loop; transfer completions hop onto it.
final class AggregationCall {
    private let runtime: RouteRuntime
    private let gateway: GatewayContext
    private let eventLoop: EventLoop
    private let identity: RequestIdentity
    private let method: String
    private let body: [UInt8]?
    /// Rendered per upstream, per replica (index 0 is the url, then the replicas).
    private let urls: [[String]]
    private let headers: [[(String, String)]]
    private let respond: (JSONResponse) -> Void
    /// Progressive answers: told of each upstream as it settles, before the final `respond`.
    private let onUpstream: (([UInt8]) -> Void)?
    /// Parent ids for upstream attempts: one per attempt, so a hedge and its primary differ.
    private var spanIDs: SplitMixGenerator

    private var coordinator: AggregationCoordinator
    /// Per upstream: its compressed answer is left encoded (`complete: first`, for a client that
    /// accepts the coding; see `encodedPassthrough`).
    private let passEncoded: [Bool]
    private let startedAt: UInt64
    private var transfers: [(id: AttemptID, handle: TransferHandle, note: AbortNote)] = []
    /// Only for routes with a `max_in_flight` upstream.
    private let grants: GrantRelay?
    /// The coordinator's one timer. A scheduled callback, not a task: no promise and future per
    /// request.
    private var timer: NIOScheduledCallback?

    private init(runtime: RouteRuntime, gateway: GatewayContext, eventLoop: EventLoop, identity: RequestIdentity,
                 method: String, body: [UInt8]?, urls: [[String]], headers: [[(String, String)]], passEncoded: [Bool],
                 onUpstream: (([UInt8]) -> Void)?, respond: @escaping (JSONResponse) -> Void) {
        self.runtime = runtime
        self.gateway = gateway
        self.eventLoop = eventLoop
        self.identity = identity
        self.method = method
        self.body = body
        self.urls = urls
        self.headers = headers
        self.passEncoded = passEncoded
        self.respond = respond
        self.onUpstream = onUpstream
        self.spanIDs = SplitMixGenerator(seed: identity.spanID)
        self.startedAt = NIODeadline.now().uptimeNanoseconds
        let grants = runtime.limitsInFlight
            ? GrantRelay(eventLoop: eventLoop, healths: runtime.upstreams.map(\.health)) : nil
        self.grants = grants
        let (plan, skipReasons, tickets) = FanOutPlanner.plan(for: runtime, method: method, now: Int64(startedAt),
                                                              waiter: grants?.waiter(for:))
        let route = runtime.route
        let vote = route.merge.mode == .vote
            ? (upstreams: route.upstreams.count, needed: route.quorumCount ?? VoteTally.majority(of: route.upstreams.count))
            : nil
        self.coordinator = AggregationCoordinator(plan: plan, skipReasons: skipReasons, tickets: tickets, vote: vote,
                                                  progressive: onUpstream != nil)
        grants?.call = self
    }

    /// Renders every upstream's urls and headers; a missing template value is the client's
    /// error (400), found before anything is sent.
    static func prepare(runtime: RouteRuntime, pathParameters: [String: String], request: ClientRequest,
                        identity: RequestIdentity, gateway: GatewayContext, eventLoop: EventLoop,
                        onUpstream: (([UInt8]) -> Void)?,
                        respond: @escaping (JSONResponse) -> Void) -> Result<AggregationCall, MissingTemplateValue> {
        let route = runtime.route
        let head = request.head
        var clientHeaders: [String: String] = [:]
        if runtime.readsClientHeaders {
            for header in head.headers {
                let name = header.name.lowercased()
                if let existing = clientHeaders[name] {
                    clientHeaders[name] = existing + ", " + header.value
                } else {
                    clientHeaders[name] = header.value
                }
            }
        }
        let values = TemplateValues(query: QueryString.parse(request.query), path: pathParameters,
                                    headers: clientHeaders, shard: nil)

        var forwarded: [(String, String)] = []
        if !route.forwardHeaders.isEmpty {
            let hopByHop = HopByHopHeaders.names(connectionHeader: head.headers[canonicalForm: "connection"].map(String.init))
            for header in head.headers {
                let name = header.name.lowercased()
                if route.forwardHeaders.contains(name) && !hopByHop.contains(name)
                    && !RequestIdentity.headerNames.contains(name) {
                    forwarded.append((header.name, header.value))
                }
            }
        }
        let sendsBody = head.method == .POST || head.method == .PUT || head.method == .PATCH
        if sendsBody, let contentType = head.headers.first(name: "content-type"),
           !forwarded.contains(where: { $0.0.lowercased() == "content-type" }) {
            forwarded.append(("Content-Type", contentType))
        }

        var urls: [[String]] = []
        var headers: [[(String, String)]] = []
        var passEncoded: [Bool] = []
        let passCodings = route.complete == .first
            ? AcceptEncoding.acceptedUpstreamCodings(head.headers[canonicalForm: "accept-encoding"]) : []
        urls.reserveCapacity(route.upstreams.count)
        headers.reserveCapacity(route.upstreams.count)
        for upstream in route.upstreams {
            var rendered: [String] = []
            rendered.reserveCapacity(1 + upstream.replicas.count)
            for index in 0...upstream.replicas.count {
                switch (index == 0 ? upstream.url : upstream.replicas[index - 1]).render(values) {
                case .success(let url): rendered.append(url)
                case .failure(let missing): return .failure(missing)
                }
            }
            urls.append(rendered)
            var upstreamHeaders = forwarded
            for (name, template) in upstream.headers {
                switch template.render(values) {
                case .success(let value):
                    upstreamHeaders.removeAll { $0.0.lowercased() == name.lowercased() }
                    upstreamHeaders.append((name, value))
                case .failure(let missing): return .failure(missing)
                }
            }
            let encoded = encodedPassthrough(codings: passCodings, headers: &upstreamHeaders)
            passEncoded.append(encoded)
            upstreamHeaders.append(("X-Request-Id", identity.requestID))
            if let tracestate = identity.trace.tracestate { upstreamHeaders.append(("tracestate", tracestate)) }
            headers.append(upstreamHeaders)
        }
        var body: [UInt8]?
        if sendsBody, var buffer = request.body {
            body = buffer.readBytes(length: buffer.readableBytes)
        }
        return .success(AggregationCall(runtime: runtime, gateway: gateway, eventLoop: eventLoop, identity: identity,
                                        method: head.method.rawValue, body: body, urls: urls, headers: headers,
                                        passEncoded: passEncoded, onUpstream: onUpstream, respond: respond))
    }

    /// `complete: first` passes the winner's body on as it came, Content-Encoding included, when
    /// the client accepts that coding: the upstream is asked only for the codings of
    /// `AcceptEncoding.upstreamCodings` the client accepts, and libcurl leaves the body encoded.
    /// A client that accepts none of them, or an upstream whose route sets its own
    /// Accept-Encoding, gets the body decoded as before.
    private static func encodedPassthrough(codings: [String], headers: inout [(String, String)]) -> Bool {
        guard !codings.isEmpty, !headers.contains(where: { $0.0.lowercased() == "accept-encoding" }) else { return false }
        headers.append(("Accept-Encoding", codings.joined(separator: ", ")))
        return true
    }

    func start() {
        perform(coordinator.start())
    }

    func clientGone() {
        perform(coordinator.clientGone(now: now()))
    }

    private func now() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds &- startedAt)
    }

    /// Does what the coordinator asked, in order; a refused hedge or retry goes back to it at
    /// once, and what that leads to is done next.
    private func perform(_ actions: [CoordinatorAction]) {
        var queue = actions
        var next = 0
        while next < queue.count {
            let action = queue[next]
            next += 1
            switch action {
            case .transfer(let attempt):
                if !startTransfer(attempt) { queue += coordinator.refused(attempt.id, now: now()) }
            case .abort(let id, let reason):
                abortTransfer(id, reason: reason)
            case .progress(let index):
                writeProgress(of: index)
            case .releaseSlot(let upstream, let replica):
                runtime.upstreams[upstream].health.attemptEnded(replica: replica, kind: .primary, end: .abandoned,
                                                                now: Int64(NIODeadline.now().uptimeNanoseconds))
            case .withdrawWait(let upstream, let ticket):
                if runtime.upstreams[upstream].health.cancelWait(ticket: ticket) { coordinator.waitEnded(upstream: upstream) }
            case .schedule(let instant):
                schedule(at: instant)
            case .answer:
                answer()
            }
        }
    }

    private func writeProgress(of index: Int) {
        guard let onUpstream else { return }
        let slot = coordinator.slots[index]
        let mergesItems = runtime.route.merge.mode.mergesItems
        var count: Int?
        if mergesItems, case .indexed(let answer)? = slot.payload { count = answer.items.count }
        let report = UpstreamReports.report(runtime: runtime, index: index, outcome: coordinator.machine.outcomes[index],
                                            count: count, detail: slot.detail)
        onUpstream(ProgressEvent.upstream(report, payload: slot.payload, mergesItems: mergesItems))
    }

    /// Starts the attempt's transfer; false when the upstream's budget refuses a hedge or retry.
    private func startTransfer(_ attempt: AttemptRequest) -> Bool {
        let upstream = runtime.upstreams[attempt.id.upstream]
        let spec = upstream.spec
        let health = upstream.health
        if attempt.kind != .primary {
            guard attempt.kind == .hedge ? health.allowHedge() : health.allowRetry() else { return false }
            health.attemptStarted(replica: attempt.replica, kind: attempt.kind)
        }
        let replicas = urls[attempt.id.upstream]
        var attemptHeaders = headers[attempt.id.upstream]
        attemptHeaders.append(("traceparent", identity.upstreamTraceparent(using: &spanIDs)))
        var request = UpstreamRequest(
            method: method, url: replicas[attempt.replica % replicas.count], headers: attemptHeaders,
            body: body, timeoutMilliseconds: upstream.timeoutMilliseconds, maxBodyBytes: spec.maxBody,
            freshConnection: attempt.freshConnection, connection: upstream.connection)
        let passEncoded = self.passEncoded[attempt.id.upstream]
        request.passEncoded = passEncoded
        let passthrough = runtime.route.complete == .first
        let extractsItems = runtime.route.merge.mode.mergesItems
        let loop = eventLoop
        let id = attempt.id
        let replica = attempt.replica
        let kind = attempt.kind
        let sentAt = NIODeadline.now().uptimeNanoseconds
        let call = NIOLoopBound(self, eventLoop: loop)
        let note = AbortNote()
        // The loop's lane: one transfer-thread wake per tick, and completions come back in one
        // hop per transfer-thread round.
        let lane = gateway.lanes.lane(for: loop)
        let completion: @Sendable (UpstreamResponse) -> Void = { response in
            let classified = ClassifiedAttempt.classify(response, upstream: spec, passthrough: passthrough,
                                                        passEncoded: passEncoded, extractsItems: extractsItems)
            let endedAt = NIODeadline.now().uptimeNanoseconds
            health.attemptEnded(replica: replica, kind: kind,
                                end: classified.healthEnd(elapsed: Int64(endedAt &- sentAt), abortReason: note.value),
                                now: Int64(endedAt))
            if let lane {
                lane.deliver { call.value.attemptFinished(id, classified) }
            } else {
                loop.execute { call.value.attemptFinished(id, classified) }
            }
        }
        let handle = lane?.start(request, completion: completion) ?? gateway.engine.start(request, completion: completion)
        transfers.append((id, handle, note))
        return true
    }

    private func abortTransfer(_ id: AttemptID, reason: AttemptAbortReason?) {
        guard let index = transfers.firstIndex(where: { $0.id == id }) else { return }
        transfers[index].note.record(reason)
        gateway.engine.cancel(transfers[index].handle)
        transfers.remove(at: index)
    }

    /// A `max_in_flight` place became this request's (already counted in flight at `replica`).
    fileprivate func granted(upstream: Int, replica: Int) {
        perform(coordinator.granted(upstream: upstream, replica: replica, now: now()))
    }

    private func attemptFinished(_ id: AttemptID, _ attempt: ClassifiedAttempt) {
        if let index = transfers.firstIndex(where: { $0.id == id }) { transfers.remove(at: index) }
        perform(coordinator.attemptFinished(id, attempt.result, payload: attempt.payload, detail: attempt.detail,
                                            now: now()))
    }

    private func schedule(at instant: Int64?) {
        timer?.cancel()
        timer = nil
        guard let instant else { return }
        timer = try? eventLoop.assumeIsolated().scheduleCallback(
            at: .uptimeNanoseconds(startedAt &+ UInt64(max(0, instant))), handler: TimerFired(call: self))
    }

    /// What the timer runs; a small value so that the call is not retained twice by the loop.
    private struct TimerFired: NIOScheduledCallbackHandler {
        let call: AggregationCall

        func handleScheduledCallback(eventLoop: some EventLoop) {
            call.timer = nil
            call.perform(call.coordinator.timerFired(now: call.now()))
        }
    }

    private func answer() {
        let buildStartedAt = NIODeadline.now().uptimeNanoseconds
        let (response, reports) = AnswerBuilder(runtime: runtime, identity: identity, outcomes: coordinator.answerOutcomes,
                                                slots: coordinator.slots, status: coordinator.answerStatus)
            .build(allocator: ByteBufferAllocator())
        let builtAt = NIODeadline.now().uptimeNanoseconds
        runtime.metrics.recordAnswer(status: Int(response.status.code), durationNanoseconds: Int64(builtAt &- startedAt),
                                     mergeNanoseconds: Int64(builtAt &- buildStartedAt), upstreams: reports)
        respond(response)
    }
}

/// Carries a `max_in_flight` grant from whichever thread freed the slot to the request's event
/// loop. Created before the call exists (the plan asks for waiters) and pointed at it right after;
/// weakly, so a grant that arrives after the call is gone still gives its slot back.
final class GrantRelay: @unchecked Sendable {
    private let eventLoop: EventLoop
    private let healths: [UpstreamHealth]
    /// Set once on the event loop right after init, read only there.
    weak var call: AggregationCall?

    init(eventLoop: EventLoop, healths: [UpstreamHealth]) {
        self.eventLoop = eventLoop
        self.healths = healths
    }

    func waiter(for upstream: Int) -> @Sendable (Int) -> Void {
        { [self] replica in
            eventLoop.execute {
                if let call = self.call {
                    call.granted(upstream: upstream, replica: replica)
                } else {
                    self.healths[upstream].attemptEnded(replica: replica, kind: .primary, end: .abandoned,
                                                        now: Int64(NIODeadline.now().uptimeNanoseconds))
                }
            }
        }
    }
}
