extension FanOut {
    /// Sends now if a parallel slot is free and nobody is waiting ahead, else queues.
    mutating func requestAttempt(for upstream: Int, kind: AttemptKind, now: Int64,
                                 _ actions: inout [Action]) {
        skipSettledPrimaries()
        let nobodyWaiting = nextPrimary >= progress.count && slotQueueHead >= slotQueue.count
            && releasedQueueHead >= releasedQueue.count
        if nobodyWaiting && inFlightTotal < parallelLimit {
            send(upstream, kind: kind, now: now, &actions)
        } else {
            progress[upstream].queuedKind = kind
            slotQueue.append(upstream)
        }
    }

    /// Hands free slots out: waiting primaries first (they have waited since the start),
    /// then hedges and retries in the order they came due.
    mutating func fillSlots(now: Int64, _ actions: inout [Action]) {
        while inFlightTotal < parallelLimit {
            skipSettledPrimaries()
            if nextPrimary < progress.count {
                let upstream = nextPrimary
                nextPrimary += 1
                send(upstream, kind: .primary, now: now, &actions)
                continue
            }
            if let released = nextReleased() {
                send(released, kind: .primary, now: now, &actions)
                continue
            }
            guard slotQueueHead < slotQueue.count else { break }
            let upstream = slotQueue[slotQueueHead]
            slotQueueHead += 1
            guard let kind = progress[upstream].queuedKind, !progress[upstream].isFinal else {
                continue
            }
            progress[upstream].queuedKind = nil
            // A hedge whose primary has meanwhile failed has nothing left to back up.
            if kind == .hedge && progress[upstream].inFlight == 0 { continue }
            send(upstream, kind: kind, now: now, &actions)
        }
        if slotQueueHead > 0 && slotQueueHead == slotQueue.count {
            slotQueue.removeAll(keepingCapacity: true)
            slotQueueHead = 0
        }
    }

    mutating func skipSettledPrimaries() {
        while nextPrimary < progress.count && (progress[nextPrimary].isFinal || progress[nextPrimary].waitingOn > 0) {
            nextPrimary += 1
        }
    }

    mutating func send(_ upstream: Int, kind: AttemptKind, now: Int64,
                       _ actions: inout [Action]) {
        var state = progress[upstream]
        let replica = kind == .primary
            ? state.primaryReplica
            : (state.lastReplica + 1) % state.replicaCount
        var freshConnection = false
        if kind == .hedge {
            var sibling = state.firstAttempt
            while sibling >= 0 {
                if attempts[sibling].inFlight && attempts[sibling].replica == replica {
                    freshConnection = true
                }
                sibling = attempts[sibling].nextSibling
            }
        }
        let id = AttemptID(upstream: upstream, serial: state.serialsIssued)
        let timeoutAt = SaturatingTime.add(now, state.timeout)
        let index = attempts.count
        attempts.append(AttemptRecord(id: id, kind: kind, replica: replica, timeoutAt: timeoutAt,
                                      inFlight: true, nextSibling: -1))
        if state.lastAttempt >= 0 {
            attempts[state.lastAttempt].nextSibling = index
        } else {
            state.firstAttempt = index
        }
        state.lastAttempt = index
        state.lastReplica = replica
        state.inFlight += 1
        state.serialsIssued += 1
        inFlightTotal += 1
        outcomes[upstream].attempts += 1
        switch kind {
        case .primary:
            if state.hedgeMax > 0 { state.hedgeAt = SaturatingTime.add(now, state.hedgeAfter) }
        case .hedge:
            state.hedgesSent += 1
            outcomes[upstream].hedged = true
            // At least 1ns apart, so a zero delay cannot fire every hedge in one instant.
            state.hedgeAt = state.hedgesSent < state.hedgeMax
                ? SaturatingTime.add(now, max(1, state.hedgeAfter))
                : UpstreamProgress.never
        case .retry:
            state.retriesLeft -= 1
        }
        progress[upstream] = state
        recomputeTimer(of: upstream)
        actions.append(.send(AttemptRequest(id: id, replica: replica, kind: kind,
                                            freshConnection: freshConnection,
                                            timeoutAt: timeoutAt)))
    }

    func attemptIndex(of id: AttemptID) -> Int? {
        guard id.upstream >= 0, id.upstream < progress.count,
              id.serial >= 0, id.serial < progress[id.upstream].serialsIssued else { return nil }
        var index = progress[id.upstream].firstAttempt
        var serial = 0
        while index >= 0 && serial < id.serial {
            index = attempts[index].nextSibling
            serial += 1
        }
        return index >= 0 ? index : nil
    }

    mutating func endAttempt(at index: Int) {
        attempts[index].inFlight = false
        progress[attempts[index].id.upstream].inFlight -= 1
        inFlightTotal -= 1
    }

    mutating func record(_ result: AttemptResult, ofAttemptAt index: Int, now: Int64,
                         _ actions: inout [Action]) {
        let attempt = attempts[index]
        let upstream = attempt.id.upstream
        endAttempt(at: index)
        switch result {
        case .success(let httpStatus):
            var sibling = progress[upstream].firstAttempt
            while sibling >= 0 {
                if attempts[sibling].inFlight {
                    endAttempt(at: sibling)
                    attempts[sibling].abortReason = .overtaken
                    actions.append(.abort(attempts[sibling].id))
                }
                sibling = attempts[sibling].nextSibling
            }
            settle(upstream, as: .ok, httpStatus: httpStatus, at: now,
                   wonBy: attempt.kind, winningAttempt: attempt.id)
        case .failure(let status, let httpStatus):
            let failure: UpstreamStatus
            switch status {
            case .ok, .cancelled, .skipped: failure = .error
            default: failure = status
            }
            attemptFailed(upstream, failure, httpStatus: httpStatus, at: now)
            recomputeTimer(of: upstream)
        }
    }

    /// A failure ends the upstream only when no sibling can still answer and no retry is
    /// allowed. A retry is worth scheduling only if it can start and, by the upstream's expected
    /// latency, also answer before the deadline.
    mutating func attemptFailed(_ upstream: Int, _ status: UpstreamStatus, httpStatus: Int?,
                                at instant: Int64) {
        progress[upstream].lastFailure = status
        progress[upstream].lastFailureHTTPStatus = httpStatus
        guard progress[upstream].inFlight == 0 else { return }
        progress[upstream].hedgeAt = UpstreamProgress.never
        progress[upstream].queuedKind = nil
        let state = progress[upstream]
        if state.retriesLeft > 0 && state.retryTriggers.matches(status, httpStatus: httpStatus) {
            let retryAt = SaturatingTime.add(instant, nextBackoff(upstream))
            if SaturatingTime.add(retryAt, state.expectedLatency) < deadlineAt {
                progress[upstream].retryAt = retryAt
                return
            }
        }
        settle(upstream, as: status, httpStatus: httpStatus, at: instant)
    }

    /// The wait before the upstream's next retry: `backoff` × 2^(n − 1) for the nth retry
    /// (doubling capped at 2^10), times a factor drawn uniformly from [0.5, 1.5) when the plan
    /// has a jitter seed, so clients that failed together do not retry together.
    mutating func nextBackoff(_ upstream: Int) -> Int64 {
        let state = progress[upstream]
        guard state.backoff > 0 else { return 0 }
        let retryNumber = state.retryLimit - state.retriesLeft + 1
        var delay = Double(state.backoff) * Double(1 << min(max(retryNumber - 1, 0), 10))
        if var generator = jitter {
            delay *= 0.5 + generator.nextUnit()
            jitter = generator
        }
        return delay >= Double(Int64.max) ? .max : Int64(delay)
    }
}
