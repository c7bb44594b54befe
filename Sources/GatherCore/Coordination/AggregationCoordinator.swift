/// Every decision of one aggregated request, as a value: the completion machine (`FanOut`),
/// what each upstream brought (`UpstreamSlot`), `max_in_flight` waits, refused hedges and
/// retries, the early `vote` tally and progressive events. Events in, `Action`s out,
/// time injected; the shell (GatherServer's `AggregationCall`) only performs the actions —
/// transfers, the timer, health bookkeeping, writing — and reports what came of them.
public struct AggregationCoordinator: Sendable {
    public internal(set) var machine: FanOut
    /// One per entry of `machine.outcomes`: the upstreams in route order, then maps' calls.
    public internal(set) var slots: [UpstreamSlot]
    /// `merge: vote`: decides early, as soon as K agree or agreement became impossible.
    private var tally: VoteTally?
    private let progressive: Bool
    /// Upstreams of `machine.settledOrder` already looked at.
    private var settledSeen = 0
    /// Attempts handed out as `.transfer` and not yet finished or aborted.
    var inFlight: [AttemptID] = []
    private var timerAt: Int64?
    /// The answer went out, or the client left: nothing more is written.
    public private(set) var answered = false
    /// Per entry of `machine.outcomes`: the route upstream it belongs to, and for a map's call
    /// its index among that map's calls (route upstreams are entries 0..<n, themselves).
    public internal(set) var entryUpstream: [Int] = []
    public internal(set) var entryCall: [Int?] = []

    /// `skipReasons[i]` says why upstream i is not sent at all; `tickets[i]` that it waits for a
    /// `max_in_flight` place (a later `granted`); `vote` is (upstreams, needed) for `merge: vote`.
    public init(plan: FanOutPlan, skipReasons: [String?], tickets: [UInt64?], vote: (upstreams: Int, needed: Int)?,
                progressive: Bool) {
        machine = FanOut(plan: plan, now: 0)
        slots = plan.upstreams.indices.map { index in
            let planned = plan.upstreams[index]
            return UpstreamSlot(detail: skipReasons[index],
                                unsentPrimary: planned.skipped || tickets[index] != nil || !planned.needs.isEmpty || planned.isMap
                                    ? nil : planned.primaryReplica,
                                ticket: tickets[index])
        }
        tally = vote.map { VoteTally(upstreams: $0.upstreams, needed: $0.needed) }
        entryUpstream = Array(plan.upstreams.indices)
        entryCall = Array(repeating: nil, count: plan.upstreams.count)
        self.progressive = progressive
    }

    // MARK: Events

    public mutating func start() -> [Action] {
        run(machine.start(), now: 0)
    }

    /// An attempt's transfer ended; `payload` is what it brought when it succeeded, `detail`
    /// why it failed.
    public mutating func attemptFinished(_ id: AttemptID, _ result: FanOut.AttemptResult, payload: AttemptPayload?,
                                         detail: String?, now: Int64) -> [Action] {
        inFlight.removeAll { $0 == id }
        guard !machine.isFinished else { return [] }
        let actions = machine.attemptFinished(id, result, now: now)
        let upstream = id.upstream
        if machine.outcomes[upstream].winningAttempt == id {
            slots[upstream].payload = payload
        } else if detail != nil {
            slots[upstream].detail = detail
        }
        return run(actions, now: now)
    }

    /// The timer armed by the last `.schedule` fired.
    public mutating func timerFired(now: Int64) -> [Action] {
        timerAt = nil
        return run(machine.advance(now: now), now: now)
    }

    /// The client went away: what is in flight stops, and no answer is written.
    public mutating func clientGone(now: Int64) -> [Action] {
        guard !answered else { return [] }
        answered = true
        return run(machine.clientGone(now: now), now: now)
    }

    /// The upstream's budget refused a hedge or retry handed out as `.transfer`.
    public mutating func refused(_ id: AttemptID, now: Int64) -> [Action] {
        inFlight.removeAll { $0 == id }
        // Also once finished: the machine then only takes it out of the counts.
        return run(machine.withdraw(id, now: now), now: now)
    }

    /// A `max_in_flight` place at `replica` became this request's (already counted in flight).
    public mutating func granted(upstream: Int, replica: Int, now: Int64) -> [Action] {
        // Not needed any more (answered, or the upstream already settled, e.g. its parked primary
        // timed out): the place goes straight back.
        guard slots[upstream].ticket != nil, !answered, !machine.isFinished, machine.outcomes[upstream].status == nil else {
            return [.releaseSlot(upstream: upstream, replica: replica)]
        }
        slots[upstream].ticket = nil
        guard var attempt = slots[upstream].parked else {
            slots[upstream].unsentPrimary = replica  // the machine has not sent it yet (max_parallel)
            return []
        }
        slots[upstream].parked = nil
        attempt.replica = replica
        return send(attempt)
    }

    /// A `.withdrawWait` ended a wait that was never served: the upstream is reported skipped.
    public mutating func waitEnded(upstream: Int) {
        slots[upstream].ticket = nil
        slots[upstream].detail = "max_in_flight: no slot before the deadline"
        slots[upstream].waitedOut = true
    }

    // MARK: The answer

    /// The machine's outcomes, with upstreams that never got a `max_in_flight` place as skipped.
    public var answerOutcomes: [UpstreamOutcome] {
        var outcomes = machine.outcomes
        for index in outcomes.indices where slots[index].waitedOut && outcomes[index].status != .ok {
            outcomes[index].status = .skipped
            outcomes[index].attempts = 0
        }
        return outcomes
    }

    /// The machine's min_ok verdict, except for a vote: 200 only when K agreed.
    public var answerStatus: Int {
        guard let tally else { return machine.responseStatus }
        if case .agreed = tally.decision, !machine.requiredFailed { return 200 }
        return machine.outcomes.contains { $0.status == .timeout } ? 504 : 502
    }

    // MARK: Applying the machine's actions

    /// The machine's actions as the shell's, then what they lead to — upstreams that settled
    /// (progress events, votes, which may end the fan-out early) — and finally the answer, so
    /// every `upstream` event goes out before the result.
    mutating func run(_ first: [FanOut.Action], now: Int64) -> [Action] {
        var output: [Action] = []
        // Usually one action each, then the schedule or the finish's two: grown once, not per action.
        if !first.isEmpty { output.reserveCapacity(first.count + 2) }
        var pending = first
        var finishing = false
        while true {
            for action in pending {
                switch action {
                case .send(let attempt): send(attempt, into: &output)
                case .abort(let id): abort(id, into: &output)
                case .finish: finishing = true
                }
            }
            pending = observeSettled(now: now, into: &output)
            if pending.isEmpty { break }
        }
        if finishing {
            finish(into: &output)
        } else if let schedule = rescheduled() {
            output.append(schedule)
        }
        return output
    }

    private mutating func send(_ request: AttemptRequest) -> [Action] {
        var output: [Action] = []
        send(request, into: &output)
        return output
    }

    /// Appends to `output` rather than returning a one-action array per attempt.
    private mutating func send(_ request: AttemptRequest, into output: inout [Action]) {
        var attempt = request
        let upstream = attempt.id.upstream
        if attempt.kind == .primary {
            if slots[upstream].ticket != nil {
                slots[upstream].parked = attempt  // sent once its place under max_in_flight comes
                return
            }
            // Admitted (and counted) when planned, or granted later: to that replica.
            if let replica = slots[upstream].unsentPrimary { attempt.replica = replica }
            slots[upstream].unsentPrimary = nil
        }
        // Room for every upstream's primary at once, rather than regrowing per attempt.
        if inFlight.capacity == 0 { inFlight.reserveCapacity(slots.count) }
        inFlight.append(attempt.id)
        output.append(.transfer(attempt))
    }

    private mutating func abort(_ id: AttemptID, into output: inout [Action]) {
        if slots[id.upstream].parked?.id == id { slots[id.upstream].parked = nil }
        guard let index = inFlight.firstIndex(of: id) else { return }
        inFlight.remove(at: index)
        output.append(.abort(id, machine.abortReason(of: id)))
    }

    /// Looks at upstreams that became final since last time: their progress events, their
    /// votes; returns the machine's actions when a vote was decided and the rest is not needed.
    private mutating func observeSettled(now: Int64, into output: inout [Action]) -> [FanOut.Action] {
        let settled = machine.settledOrder
        var actions: [FanOut.Action] = []
        while settledSeen < settled.count {
            let index = settled[settledSeen]
            settledSeen += 1
            if progressive && !answered { output.append(.progress(upstream: index)) }
            guard tally != nil else { continue }
            var document: JSONDocument?
            var position = JSONDocument.root
            if machine.outcomes[index].status == .ok, case .indexed(let answer)? = slots[index].payload {
                document = answer.body
                position = answer.value ?? JSONDocument.root
            }
            // Recorded even when the machine already finished: the last vote decides the status.
            let decision = tally!.record(upstream: index, document: document, position: position)
            if decision != .pending && !machine.isFinished {
                actions += machine.cancelRemaining(now: now)
            }
        }
        return actions
    }

    /// The fan-out is over: the timer, transfers still out, waits and admitted primaries never
    /// sent are all let go, then the answer (unless the client left).
    private mutating func finish(into output: inout [Action]) {
        if timerAt != nil {
            timerAt = nil
            output.append(.schedule(at: nil))
        }
        for id in inFlight { output.append(.abort(id, machine.abortReason(of: id))) }
        inFlight.removeAll()
        for index in slots.indices {
            slots[index].parked = nil
            if let ticket = slots[index].ticket { output.append(.withdrawWait(upstream: index, ticket: ticket)) }
            if let replica = slots[index].unsentPrimary {
                output.append(.releaseSlot(upstream: index, replica: replica))
                slots[index].unsentPrimary = nil
            }
        }
        if !answered {
            answered = true
            output.append(.answer)
        }
    }

    /// `.schedule` when the machine's next wakeup moved.
    private mutating func rescheduled() -> Action? {
        let wake = machine.isFinished ? nil : machine.nextWakeup
        guard wake != timerAt else { return nil }
        timerAt = wake
        return .schedule(at: wake)
    }
}
