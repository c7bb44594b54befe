extension FanOut {
    /// Fires every timer due at or before `limit`, earliest instant first, so that a late
    /// `advance` sees the same story as a punctual one. New attempts are stamped with `now`,
    /// the real send time; finals caused by a timer are stamped with the timer's instant.
    mutating func processDue(through limit: Int64, now: Int64, _ actions: inout [Action]) {
        while !isFinished {
            let instant = earliestTimer()
            if instant > limit { return }
            if instant >= deadlineAt {
                closeOut(as: .timeout, at: deadlineAt, &actions)
                return
            }
            for upstream in progress.indices where progress[upstream].nextTimer == instant {
                fireTimers(of: upstream, at: instant, now: now, &actions)
                settleIfRuleMet(at: instant, &actions)
                if isFinished { return }
            }
            fillSlots(now: now, &actions)
        }
    }

    /// The deadline or the earliest upstream timer, whichever comes first.
    func earliestTimer() -> Int64 {
        var earliest = deadlineAt
        for index in progress.indices where progress[index].nextTimer < earliest {
            earliest = progress[index].nextTimer
        }
        return earliest
    }

    /// Sends go before timeouts of the same instant: a hedge due exactly when the primary
    /// gives up is still sent, so that failure does not end the upstream.
    mutating func fireTimers(of upstream: Int, at instant: Int64, now: Int64,
                             _ actions: inout [Action]) {
        if progress[upstream].retryAt == instant {
            progress[upstream].retryAt = UpstreamProgress.never
            requestAttempt(for: upstream, kind: .retry, now: now, &actions)
        }
        if progress[upstream].hedgeAt == instant {
            progress[upstream].hedgeAt = UpstreamProgress.never
            if canHedge(upstream) {
                requestAttempt(for: upstream, kind: .hedge, now: now, &actions)
            }
        }
        var index = progress[upstream].firstAttempt
        while index >= 0 {
            if attempts[index].inFlight && attempts[index].timeoutAt == instant {
                endAttempt(at: index)
                attempts[index].abortReason = .timedOut
                actions.append(.abort(attempts[index].id))
                attemptFailed(upstream, .timeout, httpStatus: nil, at: instant)
            }
            index = attempts[index].nextSibling
        }
        recomputeTimer(of: upstream)
    }

    /// A hedge backs up an attempt still in flight; once the upstream has fallen back to a
    /// retry (or already has a backup waiting for a slot) there is nothing to hedge.
    func canHedge(_ upstream: Int) -> Bool {
        let state = progress[upstream]
        return !state.isFinal && state.inFlight > 0 && state.queuedKind == nil
            && state.hedgesSent < state.hedgeMax
    }

    mutating func recomputeTimer(of upstream: Int) {
        guard !progress[upstream].isFinal else {
            progress[upstream].nextTimer = UpstreamProgress.never
            return
        }
        var earliest = min(progress[upstream].hedgeAt, progress[upstream].retryAt)
        var index = progress[upstream].firstAttempt
        while index >= 0 {
            if attempts[index].inFlight && attempts[index].timeoutAt < earliest {
                earliest = attempts[index].timeoutAt
            }
            index = attempts[index].nextSibling
        }
        progress[upstream].nextTimer = earliest
    }

    mutating func refreshWakeup() {
        guard started, !isFinished else {
            nextWakeup = nil
            return
        }
        let earliest = earliestTimer()
        nextWakeup = earliest == UpstreamProgress.never ? nil : earliest
    }
}
