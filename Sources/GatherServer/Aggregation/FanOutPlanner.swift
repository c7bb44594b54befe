import GatherCore

/// Turns a route into the state machine's plan: durations to nanoseconds, thresholds to counts.
enum FanOutPlanner {
    static func plan(for runtime: RouteRuntime) -> FanOutPlan {
        let route = runtime.route
        let upstreams = runtime.upstreams.map { upstream -> PlannedUpstream in
            let spec = upstream.spec
            return PlannedUpstream(
                replicaCount: 1 + spec.replicas.count,
                primaryReplica: 0,
                timeout: upstream.timeoutNanoseconds,
                hedgeAfter: upstream.hedgeAfterNanoseconds,
                hedgeMax: spec.hedge?.max ?? 0,
                retry: spec.retry.map(plannedRetry),
                skipped: false)
        }
        return FanOutPlan(
            upstreams: upstreams,
            rule: route.complete,
            quorum: route.quorumCount ?? route.upstreams.count,
            minOK: route.requiredSuccesses,
            maxParallel: route.maxParallel ?? Int.max,
            deadline: route.deadline.nanoseconds)
    }

    private static func plannedRetry(_ retry: RetrySpec) -> PlannedRetry {
        PlannedRetry(
            attempts: retry.attempts,
            on: RetryTriggers(error: retry.on.contains(.error), timeout: retry.on.contains(.timeout),
                              status5xx: retry.on.contains(.status5xx), status429: retry.on.contains(.status429)),
            backoff: retry.backoff.nanoseconds)
    }
}
