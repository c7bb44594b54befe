extension FanOut {
    /// The driver did not send `id` after all: a hedge or retry budget, or the circuit breaker,
    /// refused it. It no longer counts as an attempt; a withdrawn hedge stops this request's
    /// hedging for that upstream, and a withdrawn retry ends the upstream with its last failure.
    ///
    /// After the answer only the counts change: a due hedge is asked for before the result that
    /// finishes the fan-out in the same step, so the driver refuses it once the answer exists,
    /// and the envelope must not count a request that never went out.
    public mutating func withdraw(_ id: AttemptID, now: Int64) -> [Action] {
        guard started, let index = attemptIndex(of: id), !attempts[index].withdrawn else { return [] }
        let upstream = id.upstream
        if isFinished {
            attempts[index].withdrawn = true
            outcomes[upstream].attempts -= 1
            if attempts[index].kind == .hedge { outcomes[upstream].hedged = hasSentHedge(upstream) }
            return []
        }
        guard attempts[index].inFlight else { return [] }
        let now = observe(now)
        var actions: [Action] = []
        endAttempt(at: index)
        attempts[index].withdrawn = true
        outcomes[upstream].attempts -= 1
        switch attempts[index].kind {
        case .hedge:
            progress[upstream].hedgeAt = UpstreamProgress.never
            outcomes[upstream].hedged = hasSentHedge(upstream)
        case .retry, .primary:
            progress[upstream].retriesLeft = 0
            if progress[upstream].inFlight == 0 {
                settle(upstream, as: progress[upstream].lastFailure,
                       httpStatus: progress[upstream].lastFailureHTTPStatus, at: now)
            }
        }
        recomputeTimer(of: upstream)
        proceed(now: now, &actions)
        return actions
    }

    /// Takes back the primary `id` the driver did not send after all (a map turned into its
    /// calls, a dependent whose request could not be built): it no longer counts as an attempt.
    /// nil when `id` is not a primary in flight.
    mutating func takeBackPrimary(_ id: AttemptID) -> Int? {
        guard started, !isFinished, let index = attemptIndex(of: id), attempts[index].inFlight,
              attempts[index].kind == .primary else { return nil }
        endAttempt(at: index)
        attempts[index].withdrawn = true
        outcomes[id.upstream].attempts -= 1
        return id.upstream
    }

    /// What follows an upstream the driver settled or changed: the rule may now be met, freed
    /// slots are filled and timers due by `now` run; then the step's actions are tidied.
    mutating func proceed(now: Int64, _ actions: inout [Action]) {
        settleIfRuleMet(at: now, &actions)
        if !isFinished { fillSlots(now: now, &actions) }
        if !isFinished { processDue(through: now, now: now, &actions) }
        dropSendsOverrunByFinish(&actions)
        refreshWakeup()
    }

    /// A hedge or retry that fell due in the step that also finished the fan-out would be sent
    /// only to be aborted by the same list of actions: it is taken back here instead, so the
    /// driver never sends it and the envelope never counts it. Called at the end of each event.
    mutating func dropSendsOverrunByFinish(_ actions: inout [Action]) {
        guard isFinished, actions.last == .finish else { return }
        var dropped: [AttemptID] = []
        for action in actions {
            if case .send(let request) = action, request.kind != .primary { dropped.append(request.id) }
        }
        guard !dropped.isEmpty else { return }
        actions.removeAll { action in
            switch action {
            case .send(let request): return dropped.contains(request.id)
            case .abort(let id): return dropped.contains(id)
            case .finish: return false
            }
        }
        for id in dropped {
            guard let index = attemptIndex(of: id) else { continue }
            attempts[index].withdrawn = true
            attempts[index].abortReason = nil
            outcomes[id.upstream].attempts -= 1
            if attempts[index].kind == .hedge { outcomes[id.upstream].hedged = hasSentHedge(id.upstream) }
        }
    }

    private func hasSentHedge(_ upstream: Int) -> Bool {
        var index = progress[upstream].firstAttempt
        while index >= 0 {
            if attempts[index].kind == .hedge && !attempts[index].withdrawn { return true }
            index = attempts[index].nextSibling
        }
        return false
    }
}
