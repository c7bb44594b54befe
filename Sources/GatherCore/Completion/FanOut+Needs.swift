/// Stages: an upstream with needs is held until every need is `ok`, then sent at that instant
/// (as a primary, as soon as `max_parallel` has a slot); a need that ends otherwise settles its
/// dependents, and theirs, without sending them.
extension FanOut {
    /// Whether the upstream still waits for a need.
    public func isHeld(_ upstream: Int) -> Bool {
        progress[upstream].waitingOn > 0 && !progress[upstream].isFinal
    }

    mutating func releaseDependents(of upstream: Int) {
        for dependent in dependents(of: upstream) where !progress[dependent].isFinal {
            progress[dependent].waitingOn -= 1
            // The cursor reaches one it has not passed yet; one behind it waits in the queue.
            if progress[dependent].waitingOn == 0 && dependent < nextPrimary {
                releasedQueue.append(dependent)
            }
        }
    }

    /// A need that was cancelled cancels its dependents (never partial); any other failure skips them.
    /// Direct dependents first, so one that needs both a failed upstream and another of its
    /// dependents names the upstream that failed.
    mutating func blockDependents(of upstream: Int, status: UpstreamStatus, at instant: Int64) {
        let blocked: UpstreamStatus = status == .cancelled ? .cancelled : .skipped
        let direct = dependents(of: upstream).filter { !progress[$0].isFinal }
        for dependent in direct {
            outcomes[dependent].blockedBy = upstream
            outcomes[dependent].blockedStatus = status
            settle(dependent, as: blocked, httpStatus: nil, at: instant, cascades: false)
        }
        for dependent in direct {
            blockDependents(of: dependent, status: blocked, at: instant)
        }
    }

    /// The upstreams whose needs include `upstream`.
    func dependents(of upstream: Int) -> [Int] {
        upstream < dependents.count ? dependents[upstream] : []
    }

    mutating func nextReleased() -> Int? {
        while releasedQueueHead < releasedQueue.count {
            let upstream = releasedQueue[releasedQueueHead]
            releasedQueueHead += 1
            if !progress[upstream].isFinal { return upstream }
        }
        if releasedQueueHead > 0 {
            releasedQueue.removeAll(keepingCapacity: true)
            releasedQueueHead = 0
        }
        return nil
    }

    /// The driver could not build the request of a released dependent (a value its templates read
    /// is missing, or not a string, number or boolean): the primary is taken back unsent and the
    /// upstream is `skipped`, and so are its own dependents.
    public mutating func cannotSend(_ id: AttemptID, now: Int64) -> [Action] {
        guard let upstream = takeBackPrimary(id) else { return [] }
        let now = observe(now)
        var actions: [Action] = []
        settle(upstream, as: .skipped, httpStatus: nil, at: now)
        proceed(now: now, &actions)
        return actions
    }
}
