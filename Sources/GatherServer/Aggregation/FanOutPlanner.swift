import GatherCore

/// Turns a route into one request's plan: durations to nanoseconds, thresholds to counts, and
/// each upstream's live health to a decision (send to which replica, or skip, and when to hedge).
enum FanOutPlanner {
    /// `skipReasons[i]` says why upstream i is not sent at all (circuit open, max_in_flight).
    static func plan(for runtime: RouteRuntime, now: Int64) -> (plan: FanOutPlan, skipReasons: [String?]) {
        let route = runtime.route
        var skipReasons: [String?] = []
        skipReasons.reserveCapacity(runtime.upstreams.count)
        let upstreams = runtime.upstreams.map { upstream -> PlannedUpstream in
            let spec = upstream.spec
            var primaryReplica = 0
            var skipped = false
            switch upstream.health.admit(now: now) {
            case .send(let replica):
                primaryReplica = replica
                skipReasons.append(nil)
            case .skip(let reason):
                skipped = true
                skipReasons.append(reason.rawValue)
            }
            return PlannedUpstream(
                replicaCount: 1 + spec.replicas.count,
                primaryReplica: primaryReplica,
                timeout: upstream.timeoutNanoseconds,
                hedgeAfter: skipped ? nil : upstream.health.hedgeDelay(),
                hedgeMax: spec.hedge?.max ?? 0,
                retry: spec.retry.map(plannedRetry),
                skipped: skipped)
        }
        let plan = FanOutPlan(
            upstreams: upstreams,
            rule: route.complete,
            quorum: route.quorumCount ?? route.upstreams.count,
            minOK: route.requiredSuccesses,
            maxParallel: route.maxParallel ?? Int.max,
            deadline: route.deadline.nanoseconds)
        return (plan, skipReasons)
    }

    /// The route's `attempts` counts the first try too; the machine counts only the extra ones.
    private static func plannedRetry(_ retry: RetrySpec) -> PlannedRetry {
        PlannedRetry(
            attempts: max(0, retry.attempts - 1),
            on: RetryTriggers(error: retry.on.contains(.error), timeout: retry.on.contains(.timeout),
                              status5xx: retry.on.contains(.status5xx), status429: retry.on.contains(.status429)),
            backoff: retry.backoff.nanoseconds)
    }
}
