extension FanOut {
    /// Whether the completion rule needs nothing more from the pending upstreams.
    var ruleIsMet: Bool {
        // A required upstream that failed decides the answer: nothing else is worth waiting for.
        if requiredFailed { return true }
        switch plan.rule {
        case .all:
            return pendingCount == 0
        case .quorum:
            // While a map has not said how many calls it makes, K may still be reachable.
            return (successCount >= quorumNeeded && requiredPending == 0)
                || (mapsPending == 0 && successCount + pendingCount < quorumNeeded)
        case .first:
            return (successCount >= 1 && requiredPending == 0) || pendingCount == 0
        }
    }

    mutating func settleIfRuleMet(at instant: Int64, _ actions: inout [Action]) {
        if !isFinished && ruleIsMet {
            closeOut(as: .cancelled, at: instant, &actions)
        }
    }

    /// Makes one upstream final.
    mutating func settle(_ upstream: Int, as status: UpstreamStatus, httpStatus: Int?,
                         at instant: Int64, wonBy: AttemptKind? = nil,
                         winningAttempt: AttemptID? = nil, cascades: Bool = true) {
        outcomes[upstream].status = status
        outcomes[upstream].httpStatus = httpStatus
        outcomes[upstream].finishedAt = SaturatingTime.subtract(instant, startedAt)
        outcomes[upstream].wonBy = wonBy
        outcomes[upstream].winningAttempt = winningAttempt
        progress[upstream].isFinal = true
        progress[upstream].hedgeAt = UpstreamProgress.never
        progress[upstream].retryAt = UpstreamProgress.never
        progress[upstream].queuedKind = nil
        progress[upstream].nextTimer = UpstreamProgress.never
        pendingCount -= 1
        settledOrder.append(upstream)
        if status == .ok {
            successCount += 1
            if firstSuccess == nil { firstSuccess = upstream }
        }
        if plan.upstreams.indices.contains(upstream) && plan.upstreams[upstream].isMap { mapsPending -= 1 }
        if progress[upstream].required {
            requiredPending -= 1
            if status != .ok { requiredFailed = true }
        }
        if status == .ok {
            releaseDependents(of: upstream)
        } else if cascades {
            blockDependents(of: upstream, status: status, at: instant)
        }
    }

    /// Ends the fan-out: aborts every attempt in flight (in send order), gives every pending
    /// upstream `status` (never-sent ones too), then `.finish` last.
    mutating func closeOut(as status: UpstreamStatus, at instant: Int64,
                           _ actions: inout [Action]) {
        let reason: AttemptAbortReason = status == .timeout ? .deadline : .notNeeded
        for index in attempts.indices where attempts[index].inFlight {
            endAttempt(at: index)
            attempts[index].abortReason = reason
            actions.append(.abort(attempts[index].id))
        }
        // Upstreams that could still have been sent first: the held ones behind them then read
        // "needs NAME: timeout" (or are cancelled with them), whatever their place in the route.
        for upstream in progress.indices where !progress[upstream].isFinal && progress[upstream].waitingOn == 0 {
            settle(upstream, as: status, httpStatus: nil, at: instant)
        }
        for upstream in progress.indices where !progress[upstream].isFinal {
            settle(upstream, as: status, httpStatus: nil, at: instant)
        }
        isFinished = true
        nextWakeup = nil
        actions.append(.finish)
    }
}
