import GatherCore
import GatherCurl
import NIOCore
import NIOHTTP1

/// One client request's fan-out: drives the pure `FanOut` machine with real transfers and a
/// real timer, then builds the answer. Lives on the client connection's event loop; transfer
/// completions hop onto it.
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
    /// `merge: vote`: decides early, as soon as K agree or agreement became impossible.
    private var tally: VoteTally?
    private var settledSeen = 0
    /// Parent ids for upstream attempts: one per attempt, so a hedge and its primary differ.
    private var spanIDs: SplitMixGenerator

    private var machine: FanOut
    private let startedAt: UInt64
    private var transfers: [(id: AttemptID, handle: TransferHandle, note: AbortNote)] = []
    /// Hedges and retries a budget refused while actions were being applied; the machine hears
    /// of them right after.
    private var refused: [AttemptID] = []
    /// Only for routes with a `max_in_flight` upstream.
    private let grants: GrantRelay?
    /// One per upstream, in route order.
    private var slots: [UpstreamSlot]
    private var timer: Scheduled<Void>?
    private var timerAt: Int64?
    private var answered = false

    private init(runtime: RouteRuntime, gateway: GatewayContext, eventLoop: EventLoop, identity: RequestIdentity,
                 method: String, body: [UInt8]?, urls: [[String]], headers: [[(String, String)]],
                 onUpstream: (([UInt8]) -> Void)?, respond: @escaping (JSONResponse) -> Void) {
        self.runtime = runtime
        self.gateway = gateway
        self.eventLoop = eventLoop
        self.identity = identity
        self.method = method
        self.body = body
        self.urls = urls
        self.headers = headers
        self.respond = respond
        self.onUpstream = onUpstream
        self.spanIDs = SplitMixGenerator(seed: identity.spanID)
        if runtime.route.merge.mode == .vote {
            tally = VoteTally(upstreams: runtime.route.upstreams.count,
                              needed: runtime.route.quorumCount ?? VoteTally.majority(of: runtime.route.upstreams.count))
        }
        self.startedAt = NIODeadline.now().uptimeNanoseconds
        let grants = runtime.limitsInFlight
            ? GrantRelay(eventLoop: eventLoop, healths: runtime.upstreams.map(\.health)) : nil
        self.grants = grants
        let (plan, skipReasons, tickets) = FanOutPlanner.plan(for: runtime, method: method, now: Int64(startedAt),
                                                              waiter: grants?.waiter(for:))
        self.machine = FanOut(plan: plan, now: 0)
        self.slots = plan.upstreams.indices.map { index in
            let planned = plan.upstreams[index]
            return UpstreamSlot(detail: skipReasons[index],
                                unsentPrimary: planned.skipped || tickets[index] != nil ? nil : planned.primaryReplica,
                                ticket: tickets[index])
        }
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
                                        onUpstream: onUpstream, respond: respond))
    }

    func start() {
        apply(machine.start())
    }

    func clientGone() {
        guard !answered else { return }
        answered = true
        apply(machine.clientGone(now: now()))
    }

    private func now() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds &- startedAt)
    }

    /// Performs the machine's actions, then what they lead to: withdrawn attempts, upstreams
    /// that settled (progress events, votes), and finally the answer, so every `upstream` event
    /// goes out before the result.
    private func apply(_ actions: [FanOutAction]) {
        var pending = actions
        var finishing = false
        while true {
            for action in pending {
                switch action {
                case .send(let attempt): send(attempt)
                case .abort(let id): abort(id)
                case .finish: finishing = true
                }
            }
            pending = []
            if !refused.isEmpty {
                // Also once finished: the machine then only takes it out of the counts.
                pending = machine.withdraw(refused.removeFirst(), now: now())
                continue
            }
            pending = observeSettled()
            if pending.isEmpty { break }
        }
        if finishing { finish() }
        scheduleWakeup()
    }

    /// Looks at upstreams that became final since last time; returns the machine's actions when
    /// a vote was decided and the rest is no longer needed.
    private func observeSettled() -> [FanOutAction] {
        let settled = machine.settledOrder
        var actions: [FanOutAction] = []
        while settledSeen < settled.count {
            let index = settled[settledSeen]
            settledSeen += 1
            let outcome = machine.outcomes[index]
            if let onUpstream, !answered {
                let report = UpstreamReports.report(runtime: runtime, index: index, outcome: outcome,
                                                    count: itemCount(index), detail: slots[index].detail)
                onUpstream(ProgressEvent.upstream(report, payload: slots[index].payload,
                                                  mergesItems: runtime.route.merge.mode.mergesItems))
            }
            if tally != nil {
                var vote: JSONValue?
                if outcome.status == .ok, case .parsed(let body, _, let value)? = slots[index].payload {
                    vote = value ?? body
                }
                // Recorded even when the machine already finished: the last vote decides the status.
                let decision = tally!.record(upstream: index, value: vote)
                if decision != .pending && !machine.isFinished {
                    actions += machine.cancelRemaining(now: now())
                }
            }
        }
        return actions
    }

    private func itemCount(_ index: Int) -> Int? {
        if case .parsed(_, let items, _)? = slots[index].payload, runtime.route.merge.mode.mergesItems { return items.count }
        return nil
    }

    private func send(_ request: AttemptRequest) {
        var attempt = request
        let upstream = runtime.upstreams[attempt.id.upstream]
        let spec = upstream.spec
        let health = upstream.health
        switch attempt.kind {
        case .primary:
            if slots[attempt.id.upstream].ticket != nil {
                slots[attempt.id.upstream].parked = attempt  // sent once its slot under max_in_flight comes
                return
            }
            // Admitted (and counted) when planned, or granted later: to that replica.
            if let replica = slots[attempt.id.upstream].unsentPrimary { attempt.replica = replica }
            slots[attempt.id.upstream].unsentPrimary = nil
        case .hedge, .retry:
            let allowed = attempt.kind == .hedge ? health.allowHedge() : health.allowRetry()
            guard allowed else {
                refused.append(attempt.id)
                return
            }
            health.attemptStarted(replica: attempt.replica, kind: attempt.kind)
        }
        let replicas = urls[attempt.id.upstream]
        var attemptHeaders = headers[attempt.id.upstream]
        attemptHeaders.append(("traceparent", identity.upstreamTraceparent(using: &spanIDs)))
        let request = UpstreamRequest(
            method: method, url: replicas[attempt.replica % replicas.count], headers: attemptHeaders,
            body: body, timeoutMilliseconds: upstream.timeoutMilliseconds, maxBodyBytes: spec.maxBody,
            freshConnection: attempt.freshConnection)
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
                                                        extractsItems: extractsItems)
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
    }

    private func abort(_ id: AttemptID) {
        if slots[id.upstream].parked?.id == id { slots[id.upstream].parked = nil }
        guard let index = transfers.firstIndex(where: { $0.id == id }) else { return }
        transfers[index].note.record(machine.abortReason(of: id))
        gateway.engine.cancel(transfers[index].handle)
        transfers.remove(at: index)
    }

    /// A slot under `max_in_flight` became this request's (already counted in flight at `replica`).
    fileprivate func granted(upstream: Int, replica: Int) {
        let health = runtime.upstreams[upstream].health
        // Not needed any more (answered, or this upstream already settled, e.g. its parked primary
        // timed out): the slot goes straight back.
        guard slots[upstream].ticket != nil, !answered, !machine.isFinished, machine.outcomes[upstream].status == nil else {
            health.attemptEnded(replica: replica, kind: .primary, end: .abandoned,
                                now: Int64(NIODeadline.now().uptimeNanoseconds))
            return
        }
        slots[upstream].ticket = nil
        if var attempt = slots[upstream].parked {
            slots[upstream].parked = nil
            attempt.replica = replica
            send(attempt)
        } else {
            slots[upstream].unsentPrimary = replica  // the machine has not sent it yet (max_parallel)
        }
    }

    private func attemptFinished(_ id: AttemptID, _ attempt: ClassifiedAttempt) {
        if let index = transfers.firstIndex(where: { $0.id == id }) { transfers.remove(at: index) }
        guard !machine.isFinished else { return }
        let actions = machine.attemptFinished(id, attempt.result, now: now())
        let upstream = id.upstream
        if machine.outcomes[upstream].winningAttempt == id {
            slots[upstream].payload = attempt.payload
        } else if attempt.detail != nil {
            slots[upstream].detail = attempt.detail
        }
        apply(actions)
    }

    private func scheduleWakeup() {
        guard let wake = machine.nextWakeup, !machine.isFinished else {
            timer?.cancel()
            timer = nil
            timerAt = nil
            return
        }
        if wake == timerAt { return }
        timer?.cancel()
        timerAt = wake
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(startedAt &+ UInt64(max(0, wake)))) { [self] in
            timer = nil
            timerAt = nil
            apply(machine.advance(now: now()))
        }
    }

    private func finish() {
        timer?.cancel()
        timer = nil
        for transfer in transfers { gateway.engine.cancel(transfer.handle) }
        transfers.removeAll()
        refused.removeAll()
        let endedAt = Int64(NIODeadline.now().uptimeNanoseconds)
        for index in slots.indices {
            slots[index].parked = nil
            let health = runtime.upstreams[index].health
            if let ticket = slots[index].ticket, health.cancelWait(ticket: ticket) {
                slots[index].ticket = nil  // never got a slot: reported as skipped
                slots[index].detail = "max_in_flight: no slot before the deadline"
                slots[index].waitedOut = true
            }
            if let replica = slots[index].unsentPrimary {
                health.attemptEnded(replica: replica, kind: .primary, end: .abandoned, now: endedAt)
                slots[index].unsentPrimary = nil
            }
        }
        guard !answered else { return }
        answered = true
        var outcomes = machine.outcomes
        for index in outcomes.indices where slots[index].waitedOut && outcomes[index].status != .ok {
            outcomes[index].status = .skipped
            outcomes[index].attempts = 0
        }
        let buildStartedAt = NIODeadline.now().uptimeNanoseconds
        let (response, reports) = AnswerBuilder(runtime: runtime, identity: identity, outcomes: outcomes,
                                                slots: slots, status: answerStatus)
            .build(allocator: ByteBufferAllocator())
        let builtAt = NIODeadline.now().uptimeNanoseconds
        runtime.metrics.recordAnswer(status: Int(response.status.code), durationNanoseconds: Int64(builtAt &- startedAt),
                                     mergeNanoseconds: Int64(builtAt &- buildStartedAt), upstreams: reports)
        respond(response)
    }

    /// The machine's min_ok verdict, except for a vote: 200 only when K agreed.
    private var answerStatus: Int {
        guard let tally else { return machine.responseStatus }
        if case .agreed = tally.decision { return 200 }
        return machine.outcomes.contains { $0.status == .timeout } ? 504 : 502
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
