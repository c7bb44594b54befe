extension FanOut {
    /// Whether the completion rule needs nothing more from the pending upstreams.
    var ruleIsMet: Bool {
        switch plan.rule {
        case .all:
            return pendingCount == 0
        case .quorum:
            return successCount >= quorumNeeded || successCount + pendingCount < quorumNeeded
        case .first:
            return successCount >= 1 || pendingCount == 0
        }
    }

    mutating func settleIfRuleMet(at instant: Int64, _ actions: inout [FanOutAction]) {
        if !isFinished && ruleIsMet {
            closeOut(as: .cancelled, at: instant, &actions)
        }
    }

    /// Makes one upstream final.
    mutating func settle(_ upstream: Int, as status: UpstreamStatus, httpStatus: Int?,
                         at instant: Int64, wonBy: AttemptKind? = nil,
                         winningAttempt: AttemptID? = nil) {
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
    }

    /// Ends the fan-out: aborts every attempt in flight (in send order), gives every pending
    /// upstream `status` (never-sent ones too), then `.finish` last.
    mutating func closeOut(as status: UpstreamStatus, at instant: Int64,
                           _ actions: inout [FanOutAction]) {
        let reason: AttemptAbortReason = status == .timeout ? .deadline : .notNeeded
        for index in attempts.indices where attempts[index].inFlight {
            endAttempt(at: index)
            attempts[index].abortReason = reason
            actions.append(.abort(attempts[index].id))
        }
        for upstream in progress.indices where !progress[upstream].isFinal {
            settle(upstream, as: status, httpStatus: nil, at: instant)
        }
        isFinished = true
        nextWakeup = nil
        actions.append(.finish)
    }
}
