@testable import GatherCore

/// Shared vocabulary for the fan-out tests: a manual clock in milliseconds from a start that
/// is deliberately not zero, so absolute and relative times cannot be confused.
enum FanOutTesting {
    static let ms: Int64 = 1_000_000
    static let start: Int64 = 7_000 * ms

    /// Absolute time `milliseconds` after the start.
    static func at(_ milliseconds: Int64) -> Int64 { start + milliseconds * ms }

    static func upstream(timeout: Int64 = 100, replicas: Int = 1, primaryReplica: Int = 0,
                         hedgeAfter: Int64? = nil, hedgeMax: Int = 1,
                         retry: PlannedRetry? = nil, skipped: Bool = false) -> PlannedUpstream {
        PlannedUpstream(replicaCount: replicas, primaryReplica: primaryReplica,
                        timeout: timeout * ms, hedgeAfter: hedgeAfter.map { $0 * ms },
                        hedgeMax: hedgeMax, retry: retry, skipped: skipped)
    }

    static func plan(_ upstreams: [PlannedUpstream], rule: CompletionRule = .all, quorum: Int = 1,
                     minOK: Int = 1, maxParallel: Int = .max, deadline: Int64 = 500) -> FanOutPlan {
        FanOutPlan(upstreams: upstreams, rule: rule, quorum: quorum, minOK: minOK,
                   maxParallel: maxParallel, deadline: deadline * ms)
    }

    static func id(_ upstream: Int, _ serial: Int) -> AttemptID {
        AttemptID(upstream: upstream, serial: serial)
    }

    /// The `.send` action expected for an attempt; `timeoutAt` in milliseconds from the start.
    static func send(_ upstream: Int, _ serial: Int, replica: Int = 0, kind: AttemptKind = .primary,
                     fresh: Bool = false, timeoutAt: Int64) -> FanOut.Action {
        .send(AttemptRequest(id: id(upstream, serial), replica: replica, kind: kind,
                             freshConnection: fresh, timeoutAt: at(timeoutAt)))
    }

    static func abort(_ upstream: Int, _ serial: Int) -> FanOut.Action {
        .abort(id(upstream, serial))
    }

    static func started(_ plan: FanOutPlan) -> (FanOut, [FanOut.Action]) {
        var fanOut = FanOut(plan: plan, now: start)
        let actions = fanOut.start()
        return (fanOut, actions)
    }
}
