/// The completion state machine of one aggregated request: events in, actions out.
///
/// It owns no clock: every event carries `now` (Int64 nanoseconds, any monotonic origin) and
/// the caller arms one timer for `nextWakeup`, calling `advance(now:)` when it fires.
/// Every event first catches up with timers that fell due before it, so a late timer or a
/// result that raced with a timeout still yields the same outcome.
public struct FanOut: Sendable {
    public let plan: FanOutPlan
    /// The `now` the machine was created with; `finishedAt` values count from here.
    public let startedAt: Int64
    /// Absolute instant at which every unfinished upstream becomes `.timeout`.
    public let deadlineAt: Int64

    /// Route order, one per upstream.
    public internal(set) var outcomes: [UpstreamOutcome]
    /// When `advance(now:)` must next be called; nil before `start()` and once finished.
    public internal(set) var nextWakeup: Int64?
    public internal(set) var isFinished = false
    public internal(set) var successCount = 0
    /// Upstream indices in the order they reached a final state (skipped ones first), for
    /// progressive (SSE) answers: emit the entries past the ones already sent.
    public internal(set) var settledOrder: [Int]
    /// The first upstream to end `.ok`: the winner under `rule == .first`.
    public internal(set) var firstSuccess: Int?

    var progress: [UpstreamProgress]
    var attempts: [AttemptRecord]
    /// Upstreams with a hedge or retry waiting for a parallel slot, first come first served;
    /// entries before `slotQueueHead` are spent.
    var slotQueue: [Int] = []
    var slotQueueHead = 0
    /// Primaries go out in route order: those from here on have not been sent yet.
    var nextPrimary = 0
    var inFlightTotal = 0
    var pendingCount = 0
    var lastNow: Int64
    var started = false
    let parallelLimit: Int
    /// Draws the retry backoff's jitter; nil: no jitter.
    var jitter: SplitMixGenerator?
    let quorumNeeded: Int
    /// `dependents[i]`: the upstreams whose needs include i. Empty (no allocation per request)
    /// when no upstream has needs; read through `dependents(of:)`.
    var dependents: [[Int]]
    /// Upstreams turned into a map's calls (see `expand`): they are not entries of the answer.
    public internal(set) var expandedCount = 0
    /// Maps not expanded (nor settled) yet.
    var mapsPending = 0
    /// Released dependents the primary cursor had already passed, in release order.
    var releasedQueue: [Int] = []
    var releasedQueueHead = 0
    /// `required: true` upstreams not final yet, and whether one ended other than `ok`.
    var requiredPending = 0
    public internal(set) var requiredFailed = false

    public init(plan: FanOutPlan, now: Int64) {
        self.plan = plan
        startedAt = now
        lastNow = now
        deadlineAt = SaturatingTime.add(now, max(0, plan.deadline))
        parallelLimit = max(1, plan.maxParallel)
        quorumNeeded = max(1, plan.quorum)
        jitter = plan.retryJitterSeed.map(SplitMixGenerator.init(seed:))

        let count = plan.upstreams.count
        var outcomes: [UpstreamOutcome] = []
        var progress: [UpstreamProgress] = []
        var settledOrder: [Int] = []
        var pending = 0
        var dependents: [[Int]] = []
        if plan.upstreams.contains(where: { !$0.needs.isEmpty }) {
            dependents = Array(repeating: [], count: count)
        }
        for (index, upstream) in plan.upstreams.enumerated() where !upstream.needs.isEmpty {
            for need in Set(upstream.needs) where need >= 0 && need < count && need != index {
                dependents[need].append(index)
            }
        }
        self.dependents = dependents
        var requiredPending = 0
        outcomes.reserveCapacity(count)
        progress.reserveCapacity(count)
        settledOrder.reserveCapacity(count)
        for (index, upstream) in plan.upstreams.enumerated() {
            var state = UpstreamProgress(upstream)
            if upstream.skipped {
                state.isFinal = true
                outcomes.append(UpstreamOutcome(status: .skipped, finishedAt: 0))
                settledOrder.append(index)
            } else {
                outcomes.append(UpstreamOutcome())
                pending += 1
                if upstream.required { requiredPending += 1 }
                if upstream.isMap { mapsPending += 1 }
            }
            progress.append(state)
        }
        self.requiredPending = requiredPending
        self.outcomes = outcomes
        self.progress = progress
        self.settledOrder = settledOrder
        pendingCount = pending
        attempts = []
        attempts.reserveCapacity(count)
        for (index, upstream) in plan.upstreams.enumerated() where upstream.skipped {
            if upstream.required { requiredFailed = true }
            blockDependents(of: index, status: .skipped, at: now)
        }
    }

    /// Sends the first primaries (as many as `maxParallel` allows). Only the first call acts.
    public mutating func start() -> [Action] {
        guard !started, !isFinished else { return [] }
        started = true
        var actions: [Action] = []
        // The first primaries go out together: one allocation for their sends.
        actions.reserveCapacity(min(plan.upstreams.count, parallelLimit) + 1)
        let now = startedAt
        if now >= deadlineAt {
            closeOut(as: .timeout, at: deadlineAt, &actions)
        } else if ruleIsMet {
            closeOut(as: .cancelled, at: now, &actions)
        } else {
            fillSlots(now: now, &actions)
            // A zero hedge delay is due at once.
            processDue(through: now, now: now, &actions)
        }
        refreshWakeup()
        return actions
    }

    /// Feeds back how one attempt ended. Results of attempts that are unknown, already
    /// aborted or already reported are ignored: they lose the race with the abort.
    public mutating func attemptFinished(_ id: AttemptID, _ result: AttemptResult,
                                         now: Int64) -> [Action] {
        guard started, !isFinished, let index = attemptIndex(of: id), attempts[index].inFlight else {
            return []
        }
        let now = observe(now)
        var actions: [Action] = []
        // Timers that fell due strictly before this answer happened first.
        processDue(through: SaturatingTime.subtract(now, 1), now: now, &actions)
        if !isFinished {
            if now >= deadlineAt {
                closeOut(as: .timeout, at: deadlineAt, &actions)
            } else {
                if attempts[index].inFlight {
                    record(result, ofAttemptAt: index, now: now, &actions)
                    settleIfRuleMet(at: now, &actions)
                    if !isFinished { fillSlots(now: now, &actions) }
                }
                if !isFinished { processDue(through: now, now: now, &actions) }
            }
        }
        dropSendsOverrunByFinish(&actions)
        refreshWakeup()
        return actions
    }

    /// Runs every timer due at or before `now`: hedges, retries, attempt timeouts, deadline.
    public mutating func advance(now: Int64) -> [Action] {
        guard started, !isFinished else { return [] }
        let now = observe(now)
        var actions: [Action] = []
        processDue(through: now, now: now, &actions)
        dropSendsOverrunByFinish(&actions)
        refreshWakeup()
        return actions
    }

    /// The client went away: nothing left is worth waiting for.
    public mutating func clientGone(now: Int64) -> [Action] {
        cancelRemaining(now: now)
    }

    /// Ends the fan-out now for a reason the machine cannot see (a client that left, or a
    /// `vote` that already has K agreeing bodies): in-flight attempts are aborted, pending
    /// upstreams become `.cancelled`.
    public mutating func cancelRemaining(now: Int64) -> [Action] {
        guard !isFinished else { return [] }
        started = true
        let now = observe(now)
        var actions: [Action] = []
        closeOut(as: .cancelled, at: now, &actions)
        refreshWakeup()
        return actions
    }

    /// Why the machine aborted `id`; nil when it did not (still running, answered, withdrawn,
    /// or unknown).
    public func abortReason(of id: AttemptID) -> AttemptAbortReason? {
        attemptIndex(of: id).flatMap { attempts[$0].abortReason }
    }

    /// 200 when there are at least `minOK` successes; otherwise 504 if any upstream timed
    /// out, else 502.
    public var responseStatus: Int {
        if successCount >= minOKNeeded && !requiredFailed { return 200 }
        return outcomes.contains { $0.status == .timeout } ? 504 : 502
    }

    /// Contract: partial iff an upstream ended other than `ok` or `cancelled`.
    public var isPartial: Bool {
        outcomes.contains { $0.status?.makesPartial ?? false }
    }

    /// Clocks read on different threads may disagree slightly; time never runs backwards here.
    mutating func observe(_ now: Int64) -> Int64 {
        if now > lastNow { lastNow = now }
        return lastNow
    }

    /// How one attempt ended, as judged by the I/O layer.
    public enum AttemptResult: Sendable, Equatable {
        case success(httpStatus: Int)
        /// `.ok`, `.cancelled` and `.skipped` are not failures; the machine reads them as `.error`.
        case failure(UpstreamStatus, httpStatus: Int?)
    }

    /// Work for the I/O layer, in the order it should be done.
    public enum Action: Sendable, Equatable {
        case send(AttemptRequest)
        /// Stop the attempt and drop its connection; its result, if one still arrives, is ignored.
        case abort(AttemptID)
        /// Answer the client now; always the last action of its list.
        case finish
    }

    /// One sent attempt, kept in `FanOut.attempts` in send order.
    struct AttemptRecord: Sendable {
        var id: AttemptID
        var kind: AttemptKind
        var replica: Int
        var timeoutAt: Int64
        var inFlight: Bool
        /// The driver never sent it (a hedge or retry budget, or the breaker, said no).
        var withdrawn = false
        /// Set when the machine aborted it.
        var abortReason: AttemptAbortReason?
        /// The same upstream's next attempt (index into `FanOut.attempts`), or -1: a per-upstream
        /// chain so looking up or aborting siblings never scans other upstreams' attempts.
        var nextSibling: Int
    }
}
