import GatherCore
import GatherCurl
import NIOCore
import NIOHTTP1

/// The shell of one client request's fan-out: performs what its `AggregationCoordinator`
/// decides — libcurl transfers, the event-loop timer, the upstreams' health bookkeeping,
/// progressive events, the answer — and reports back what came of it. Lives on the client
/// connection's event loop; transfer completions hop onto it.
final class AggregationCall {
    let runtime: RouteRuntime
    private let gateway: GatewayContext
    private let eventLoop: EventLoop
    let identity: RequestIdentity
    let method: String
    let body: [UInt8]?
    /// Rendered per upstream, per replica (index 0 is the url, then the replicas); empty for a
    /// dependent that reads `{from.…}` until its needs are ok (see AggregationCall+Stages).
    var urls: [[String]]
    var headers: [[(String, String)]]
    /// What the dependents' templates are rendered with, once their needs have answered.
    let values: TemplateValues
    let forwarded: [(String, String)]
    /// Maps (`each:`): per-call bodies and what the answer joins (AggregationCall+Maps).
    var maps = MapCalls()
    private let respond: (JSONResponse) -> Void
    /// Progressive answers: told of each upstream as it settles, before the final `respond`.
    private let onUpstream: (([UInt8]) -> Void)?
    /// Parent ids for upstream attempts: one per attempt, so a hedge and its primary differ.
    private var spanIDs: SplitMixGenerator

    var coordinator: AggregationCoordinator
    /// Per upstream: its compressed answer is left encoded (`complete: first`, for a client that
    /// accepts the coding; see `encodedPassthrough`).
    private let passEncoded: [Bool]
    private let startedAt: UInt64
    private var transfers: [(id: AttemptID, handle: TransferHandle, note: AbortNote)] = []
    /// Only for routes with a `max_in_flight` upstream.
    let grants: GrantRelay?
    /// The coordinator's one timer. A scheduled callback, not a task: no promise and future per
    /// request.
    private var timer: NIOScheduledCallback?
    /// Upstreams with `cache` or `coalesce`: their keys and how each attempt is served.
    let cached: CallCache?
    /// Per route upstream: it had a fresh stored answer when the request started, so the plan
    /// did not admit it (`admitsLate`).
    let hitsAtStart: [Bool]

    private init(runtime: RouteRuntime, gateway: GatewayContext, eventLoop: EventLoop, identity: RequestIdentity,
                 method: String, body: [UInt8]?, urls: [[String]], headers: [[(String, String)]], passEncoded: [Bool],
                 values: TemplateValues, forwarded: [(String, String)],
                 onUpstream: (([UInt8]) -> Void)?, respond: @escaping (JSONResponse) -> Void) {
        self.runtime = runtime
        self.gateway = gateway
        self.eventLoop = eventLoop
        self.identity = identity
        self.method = method
        self.body = body
        self.urls = urls
        self.headers = headers
        self.values = values
        self.forwarded = forwarded
        self.passEncoded = passEncoded
        self.respond = respond
        self.onUpstream = onUpstream
        self.spanIDs = SplitMixGenerator(seed: identity.spanID)
        self.startedAt = NIODeadline.now().uptimeNanoseconds
        let grants = runtime.limitsInFlight
            ? GrantRelay(eventLoop: eventLoop, healths: runtime.upstreams.map(\.health)) : nil
        self.grants = grants
        let cached = CallCache.make(runtime: runtime, method: method, urls: urls, headers: headers, body: body)
        // A fresh cache hit takes no max_in_flight place and is not skipped by an open circuit:
        // it sends nothing. Admitted when sent only if it is no longer fresh by then.
        // Empty (no allocation) for routes without a cache.
        let hitsAtStart = cached.map { cached in runtime.upstreams.indices.map { cached.isFresh($0) } } ?? []
        self.hitsAtStart = hitsAtStart
        let (plan, skipReasons, tickets) = FanOutPlanner.plan(for: runtime, method: method, now: Int64(startedAt),
                                                              admitsLater: hitsAtStart,
                                                              waiter: grants.map { relay in { relay.waiter(for: $0) } })
        let route = runtime.route
        let vote = route.merge.mode == .vote
            ? (upstreams: route.upstreams.count, needed: route.quorumCount ?? VoteTally.majority(of: route.upstreams.count))
            : nil
        self.coordinator = AggregationCoordinator(plan: plan, skipReasons: skipReasons, tickets: tickets, vote: vote,
                                                  progressive: onUpstream != nil)
        self.cached = cached
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
        for (index, upstream) in route.upstreams.enumerated() {
            if let missing = deferredRendering(of: upstream, values) {
                return .failure(missing)
            } else if runtime.rendersLate[index] {
                // Stages never run under `complete: first` (a load error), so nothing to pass encoded.
                urls.append([])
                headers.append([])
                passEncoded.append(false)
                continue
            }
            switch render(upstream, values, forwarded: forwarded, identity: identity) {
            case .success(let (rendered, renderedHeaders)):
                var upstreamHeaders = renderedHeaders
                // A cached answer is stored decoded: it may go to a client that accepts no coding.
                passEncoded.append(upstream.cache == nil && encodedPassthrough(codings: passCodings, headers: &upstreamHeaders))
                urls.append(rendered)
                headers.append(upstreamHeaders)
            case .failure(let missing):
                return .failure(missing)
            }
        }
        var body: [UInt8]?
        if sendsBody, var buffer = request.body {
            body = buffer.readBytes(length: buffer.readableBytes)
        }
        return .success(AggregationCall(runtime: runtime, gateway: gateway, eventLoop: eventLoop, identity: identity,
                                        method: head.method.rawValue, body: body, urls: urls, headers: headers,
                                        passEncoded: passEncoded, values: values, forwarded: forwarded,
                                        onUpstream: onUpstream, respond: respond))
    }

    /// One upstream's urls (url, then replicas) and headers.
    static func render(_ upstream: UpstreamSpec, _ values: TemplateValues, forwarded: [(String, String)],
                       identity: RequestIdentity) -> Result<([String], [(String, String)]), MissingTemplateValue> {
        var rendered: [String] = []
        rendered.reserveCapacity(1 + upstream.replicas.count)
        for index in 0...upstream.replicas.count {
            switch (index == 0 ? upstream.url : upstream.replicas[index - 1]).render(values) {
            case .success(let url): rendered.append(url)
            case .failure(let missing): return .failure(missing)
            }
        }
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
        return .success((rendered, upstreamHeaders))
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

    func now() -> Int64 {
        Int64(NIODeadline.now().uptimeNanoseconds &- startedAt)
    }

    /// Does what the coordinator asked, in order; a refused hedge or retry goes back to it at
    /// once, and what that leads to is done next.
    private func perform(_ actions: [AggregationCoordinator.Action]) {
        var queue = actions
        var next = 0
        while next < queue.count {
            let action = queue[next]
            next += 1
            switch action {
            case .transfer(let attempt):
                let entry = attempt.id.upstream
                if entry < runtime.route.upstreams.count, runtime.route.upstreams[entry].stage.each != nil {
                    queue += expandMap(attempt)
                } else if let problem = maps.problems[entry] {
                    queue += coordinator.cannotSend(attempt.id, replica: attempt.replica, detail: problem, admitted: false,
                                                    now: now())
                } else if urls[entry].isEmpty, let problem = renderDependent(entry) {
                    queue += coordinator.cannotSend(attempt.id, replica: attempt.replica, detail: problem.description,
                                                    admitted: false, now: now())
                } else if attempt.kind == .primary, !wasAdmitted(entry),
                          !(wasHitAtStart(entry) && cached?.isFresh(entry) == true) {
                    queue += admitLate(attempt)
                } else if !startTransfer(attempt) {
                    queue += coordinator.refused(attempt.id, now: now())
                }
                while let (id, hit) = cached?.takeImmediate() {
                    queue += coordinator.attemptFinished(id, hit.result, payload: hit.payload, detail: hit.detail, now: now())
                }
            case .abort(let id, let reason):
                abortTransfer(id, reason: reason)
            case .progress(let index):
                writeProgress(of: index)
            case .releaseSlot(let upstream, let replica):
                runtime.upstreams[coordinator.entryUpstream[upstream]].health.attemptEnded(replica: replica, kind: .primary, end: .abandoned,
                                                                now: Int64(NIODeadline.now().uptimeNanoseconds))
            case .withdrawWait(let upstream, let ticket):
                if runtime.upstreams[coordinator.entryUpstream[upstream]].health.cancelWait(ticket: ticket) {
                    coordinator.waitEnded(upstream: upstream)
                }
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
        // An attaching map's call brought a value for its item, not items.
        let mergesItems = runtime.route.merge.mode.mergesItems
            && runtime.route.upstreams[coordinator.entryUpstream[index]].stage.each?.attach == nil
        var count: Int?
        if mergesItems, case .indexed(let answer)? = slot.payload { count = answer.items.count }
        var report = UpstreamReports.report(runtime: runtime, index: coordinator.entryUpstream[index],
                                            outcome: coordinator.machine.outcomes[index], count: count, detail: slot.detail,
                                            name: entryName(index))
        cached?.progressNote(index, outcome: coordinator.machine.outcomes[index])?.apply(to: &report)
        onUpstream(ProgressEvent.upstream(report, payload: slot.payload, mergesItems: mergesItems))
    }

    /// Starts the attempt's transfer; false when the upstream's budget refuses a hedge or retry.
    private func startTransfer(_ attempt: AttemptRequest) -> Bool {
        if let cached, cached.caches(attempt.id.upstream), let cache = runtime.upstreams[attempt.id.upstream].cache {
            return startCachedTransfer(attempt, cache: cache, cached: cached)
        }
        let upstream = runtime.upstreams[coordinator.entryUpstream[attempt.id.upstream]]
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
            body: maps.bodies[attempt.id.upstream] ?? body, timeoutMilliseconds: upstream.timeoutMilliseconds, maxBodyBytes: spec.maxBody,
            freshConnection: attempt.freshConnection, connection: upstream.connection)
        // A map's calls (entries past the route's upstreams) never run under `complete: first`.
        let passEncoded = attempt.id.upstream < self.passEncoded.count && self.passEncoded[attempt.id.upstream]
        request.passEncoded = passEncoded
        let passthrough = runtime.route.complete == .first
        // Only a passed-on answer reads the upstream's header fields (ClassifiedAttempt.classify).
        request.keepsHeaders = passthrough
        // An attaching map's answers are values put into items, not lists of their own.
        let extractsItems = runtime.route.merge.mode.mergesItems && spec.stage.each?.attach == nil
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
        // One per route upstream at once, rather than regrowing per transfer.
        if transfers.capacity == 0 { transfers.reserveCapacity(runtime.route.upstreams.count) }
        transfers.append((id, handle, note))
        return true
    }

    private func abortTransfer(_ id: AttemptID, reason: AttemptAbortReason?) {
        if let cached, cached.abort(id, reason: reason, engine: gateway.engine) { return }
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
        cached?.finished(id)
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
        var outcomes = coordinator.answerOutcomes
        var slots = coordinator.slots
        var status = coordinator.answerStatus
        let cacheNotes = cached?.prepareAnswer(outcomes: &outcomes, slots: &slots, status: &status)
        var builder = AnswerBuilder(runtime: runtime, identity: identity, outcomes: outcomes,
                                    slots: slots, status: status, cacheNotes: cacheNotes)
        builder.maps = mapAnswerInput()
        let (response, reports) = builder.build(allocator: ByteBufferAllocator())
        let builtAt = NIODeadline.now().uptimeNanoseconds
        runtime.metrics.recordAnswer(status: Int(response.status.code), durationNanoseconds: Int64(builtAt &- startedAt),
                                     mergeNanoseconds: Int64(builtAt &- buildStartedAt),
                                     upstreams: builder.maps.routeReports(reports, route: runtime.route))
        recordStages()
        respond(response)
    }
}

/// Carries a `max_in_flight` grant from whichever thread freed the slot to the request's event
/// loop. Created before the call exists (the plan asks for waiters) and pointed at it right after;
/// weakly, so a grant that arrives after the call is gone still gives its slot back.
// @unchecked: `call` is set once on the event loop right after init and read only there.
final class GrantRelay: @unchecked Sendable {
    private let eventLoop: EventLoop
    private let healths: [UpstreamHealth]
    /// Set once on the event loop right after init, read only there.
    weak var call: AggregationCall?

    init(eventLoop: EventLoop, healths: [UpstreamHealth]) {
        self.eventLoop = eventLoop
        self.healths = healths
    }

    /// `upstream` is the entry told of the grant (a map's call has its own); `health` the route
    /// upstream whose health the slot belongs to, when it differs.
    func waiter(for upstream: Int, health: Int? = nil) -> @Sendable (Int) -> Void {
        { [self] replica in
            eventLoop.execute {
                if let call = self.call {
                    call.granted(upstream: upstream, replica: replica)
                } else {
                    self.healths[health ?? upstream].attemptEnded(replica: replica, kind: .primary, end: .abandoned,
                                                        now: Int64(NIODeadline.now().uptimeNanoseconds))
                }
            }
        }
    }
}

// MARK: Cached and coalesced attempts

extension AggregationCall {
    /// An attempt of an upstream with `cache` or `coalesce`: a fresh stored answer, another
    /// request's identical transfer, or a transfer of its own whose answer is
    /// stored and shared with whoever joins it meanwhile. False when the budget refuses a hedge
    /// or retry that would have to be sent.
    private func startCachedTransfer(_ attempt: AttemptRequest, cache: UpstreamCache, cached: CallCache) -> Bool {
        let index = attempt.id.upstream
        let upstream = runtime.upstreams[index]
        let health = upstream.health
        let key = cached.keys[index]!
        let ordinal = cached.nextOrdinal(index)
        let id = attempt.id
        // Also for a hedge or retry: another request may have brought the answer meanwhile.
        if case .fresh(let stored, _)? = cache.lookup(key, now: CallCache.uptime) {
            // Admission counted a primary in flight (unless it was a hit from the start); nothing
            // is sent. A hedge or retry was not counted yet (that happens once it is sure to be sent).
            if attempt.kind == .primary && wasAdmitted(index) {
                health.primaryNotSent(replica: attempt.replica, now: CallCache.uptime)
            }
            cached.record(id, .hit)
            cached.answerNow(id, ClassifiedAttempt(result: .success(httpStatus: stored.httpStatus), payload: stored.payload))
            return true
        }
        let loop = eventLoop
        let call = NIOLoopBound(self, eventLoop: loop)
        let lane = gateway.lanes.lane(for: loop)
        let toLoop: UpstreamCache.Delivery = { classified in
            if let lane {
                lane.deliver { call.value.attemptFinished(id, classified) }
            } else {
                loop.execute { call.value.attemptFinished(id, classified) }
            }
        }
        let request = cachedUpstreamRequest(for: attempt)
        let passthrough = runtime.route.complete == .first
        let extractsItems = runtime.route.merge.mode.mergesItems
        let spec = upstream.spec
        let replica = attempt.replica
        let kind = attempt.kind
        let engine = gateway.engine
        var counted = kind == .primary  // hedges and retries are counted once they are sure to be sent
        func allowAndCount() -> Bool {
            if counted { return true }
            guard kind == .hedge ? health.allowHedge() : health.allowRetry() else { return false }
            health.attemptStarted(replica: replica, kind: kind)
            counted = true
            return true
        }
        func send(_ finish: @escaping @Sendable (ClassifiedAttempt, [(String, String)]) -> Void,
                  note: AbortNote) -> TransferHandle {
            let sentAt = NIODeadline.now().uptimeNanoseconds
            let completion: @Sendable (UpstreamResponse) -> Void = { response in
                let classified = ClassifiedAttempt.classify(response, upstream: spec, passthrough: passthrough,
                                                            extractsItems: extractsItems)
                let endedAt = NIODeadline.now().uptimeNanoseconds
                health.attemptEnded(replica: replica, kind: kind,
                                    end: classified.healthEnd(elapsed: Int64(endedAt &- sentAt), abortReason: note.value),
                                    now: Int64(endedAt))
                var responseHeaders: [(String, String)] = []
                if case .completed(_, let headers, _) = response.outcome { responseHeaders = headers }
                finish(classified, responseHeaders)
            }
            return lane?.start(request, completion: completion) ?? engine.start(request, completion: completion)
        }

        guard cache.coalesces else {
            guard allowAndCount() else { return false }
            let note = AbortNote()
            let handle = send({ classified, headers in
                cache.store(key, classified, responseHeaders: headers, now: CallCache.uptime)
                toLoop(classified)
            }, note: note)
            cached.record(id, .miss)
            cached.owns(id, handle: handle, note: note)
            return true
        }

        let flightKey = UpstreamCache.FlightKey(key: key, ordinal: ordinal)
        // A hedge or retry that will join a shared one costs no budget; one that leads does.
        if !cache.hasFlight(flightKey), !allowAndCount() { return false }
        switch cache.join(flightKey, deliver: toLoop) {
        case .follow(let token):
            if counted && kind != .primary {
                // Counted for a transfer another request sent first after all.
                health.attemptEnded(replica: replica, kind: kind, end: .abandoned, now: CallCache.uptime)
            }
            cached.record(id, .coalesced)
            cached.shares(id, CallCache.Shared(key: flightKey, token: token, follower: true, replica: replica, kind: kind))
            return true
        case .lead(let token, let flight, let note):
            guard allowAndCount() else {
                cache.abandon(flightKey, flight: flight, token: token)
                return false
            }
            cached.record(id, .miss)
            cached.shares(id, CallCache.Shared(key: flightKey, token: token, follower: false, replica: replica, kind: kind))
            let handle = send({ classified, headers in
                cache.finish(flightKey, flight: flight, classified, responseHeaders: headers, now: CallCache.uptime)
            }, note: note)
            if let orphan = cache.attach(handle, to: flightKey, flight: flight) { engine.cancel(orphan) }
            return true
        }
    }

    private func cachedUpstreamRequest(for attempt: AttemptRequest) -> UpstreamRequest {
        let upstream = runtime.upstreams[attempt.id.upstream]
        let replicas = urls[attempt.id.upstream]
        var attemptHeaders = headers[attempt.id.upstream]
        attemptHeaders.append(("traceparent", identity.upstreamTraceparent(using: &spanIDs)))
        // A shared transfer serves requests that joined later, with later timeouts: each waiter's
        // own machine times it out, and the transfer is cancelled once none needs it, so libcurl's
        // backstop leaves room for the last one.
        let coalesces = upstream.cache?.coalesces == true
        let backstop = upstream.timeoutMilliseconds * (coalesces ? 2 : 1)
        return UpstreamRequest(
            method: method, url: replicas[attempt.replica % replicas.count], headers: attemptHeaders,
            body: body, timeoutMilliseconds: backstop, maxBodyBytes: upstream.spec.maxBody,
            freshConnection: attempt.freshConnection, connection: upstream.connection)
    }
}
