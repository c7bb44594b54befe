extension FanOut {
    /// The driver did not send `id` after all: a hedge or retry budget, or the circuit breaker,
    /// refused it. It no longer counts as an attempt; a withdrawn hedge stops this request's
    /// hedging for that upstream, and a withdrawn retry ends the upstream with its last failure.
    public mutating func withdraw(_ id: AttemptID, now: Int64) -> [FanOutAction] {
        guard started, !isFinished, let index = attemptIndex(of: id), attempts[index].inFlight else {
            return []
        }
        let now = observe(now)
        var actions: [FanOutAction] = []
        let upstream = id.upstream
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
        settleIfRuleMet(at: now, &actions)
        if !isFinished { fillSlots(now: now, &actions) }
        if !isFinished { processDue(through: now, now: now, &actions) }
        refreshWakeup()
        return actions
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
