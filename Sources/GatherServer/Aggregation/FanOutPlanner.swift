import GatherCore

/// Turns a route into one request's plan: durations to nanoseconds, thresholds to counts, and
/// each upstream's live health to a decision (send to which replica, or skip, when to hedge,
/// whether a retry still has time). Hedges and retries repeat the request, so they are planned
/// only when the method is idempotent or the upstream says `idempotent: true`.
enum FanOutPlanner {
    /// `skipReasons[i]` says why upstream i is not sent at all (circuit open); `tickets[i]` is set
    /// when upstream i waits for a slot under `max_in_flight` (`waiter(i)` is told when it has one).
    /// `admitsLater[i]` (a fresh cache hit, for one) is not admitted now: the call does it when
    /// the attempt is sent, if it still has to be.
    static func plan(for runtime: RouteRuntime, method: String, now: Int64, admitsLater: [Bool] = [],
                     waiter: ((Int) -> @Sendable (Int) -> Void)?)
        -> (plan: FanOutPlan, skipReasons: [String?], tickets: [UInt64?]) {
        let route = runtime.route
        var skipReasons: [String?] = []
        var tickets: [UInt64?] = []
        skipReasons.reserveCapacity(runtime.upstreams.count)
        tickets.reserveCapacity(runtime.upstreams.count)
        let upstreams = runtime.upstreams.enumerated().map { index, upstream -> PlannedUpstream in
            let spec = upstream.spec
            var primaryReplica = 0
            var skipped = false
            var ticket: UInt64?
            // A later stage (or a map, whose calls are admitted one by one) is admitted when it is
            // released, so that it holds no place while it waits for its needs.
            let admitsLater = !runtime.needIndices[index].isEmpty || spec.stage.each != nil
                || (index < admitsLater.count && admitsLater[index])
            switch admitsLater ? .send(replica: 0) : upstream.health.admit(now: now, waiter: spec.maxInFlight == nil ? nil : waiter?(index)) {
            case .send(let replica):
                primaryReplica = replica
                skipReasons.append(nil)
            case .skip(let reason):
                skipped = true
                skipReasons.append(reason.rawValue)
            case .queued(let queued):
                ticket = queued
                skipReasons.append(nil)
            }
            tickets.append(ticket)
            let repeats = !skipped && RouteMethods.allowsRepeats(method, to: spec)
            var planned = PlannedUpstream(
                replicaCount: 1 + spec.replicas.count,
                primaryReplica: primaryReplica,
                timeout: upstream.timeoutNanoseconds,
                hedgeAfter: repeats ? upstream.health.hedgeDelay() : nil,
                hedgeMax: spec.hedge?.max ?? 0,
                retry: repeats ? spec.retry.map { plannedRetry($0, expectedLatency: upstream.health.expectedLatency()) } : nil,
                skipped: skipped)
            planned.needs = runtime.needIndices[index]
            planned.required = spec.stage.required
            planned.isMap = spec.stage.each != nil
            return planned
        }
        let plan = FanOutPlan(
            upstreams: upstreams,
            rule: route.complete,
            quorum: route.quorumCount ?? route.upstreams.count,
            minOK: route.requiredSuccesses,
            maxParallel: route.maxParallel ?? Int.max,
            deadline: route.deadline.nanoseconds,
            // Any per-request value will do: the machine runs it through SplitMix first.
            retryJitterSeed: UInt64(bitPattern: now))
        var staged = plan
        // A map's calls count toward a percentage min_ok, each one, once the map knows them.
        if runtime.hasMaps, case .percent(let percent)? = route.minOK { staged.minOKPercent = percent }
        return (staged, skipReasons, tickets)
    }

    /// The route's `attempts` counts the first try too; the machine counts only the extra ones.
    /// `expectedLatency`: the upstream's live median, nil until it has enough samples.
    private static func plannedRetry(_ retry: RetrySpec, expectedLatency: Int64?) -> PlannedRetry {
        PlannedRetry(
            attempts: max(0, retry.attempts - 1),
            on: RetryTriggers(error: retry.on.contains(.error), timeout: retry.on.contains(.timeout),
                              status5xx: retry.on.contains(.status5xx), status429: retry.on.contains(.status429)),
            backoff: retry.backoff.nanoseconds,
            expectedLatency: expectedLatency ?? 0)
    }
}
