import Synchronization

/// The live health of one upstream, shared by every request of one route generation: latency
/// window, hedge and retry budgets, circuit breaker, replica picker with per-replica latency
/// estimates, and in-flight counts, behind
/// one lock. Each call is one short critical section of plain arithmetic (a sort of at most 256
/// numbers once per 16 samples is the most expensive), so request threads never wait long.
///
/// The calling sequence per upstream per request:
/// 1. `admit(now:)` for the primary (sends or skips);
/// 2. `hedgeDelay()` to arm the hedge timer; when it fires, `allowHedge()` then `attemptStarted`;
/// 3. `attemptEnded` for every attempt, including abandoned ones (see `AttemptEnd`);
/// 4. after a failed attempt has ended, `allowRetry()` then `attemptStarted` for the retry.
public final class UpstreamHealth: Sendable {
    public let name: String
    /// url plus replicas.
    public let replicaCount: Int
    public let maxInFlight: Int?
    /// Per-attempt timeout in nanoseconds.
    public let timeout: Int64
    public let hedge: HedgeSpec?

    private struct State {
        var latencies = LatencyWindow()
        /// Per replica (url first), for the picker.
        var replicaLatencies: [PeakEWMA]
        var hedgeBudget: AttemptBudget?
        var retryBudget: AttemptBudget?
        var breaker: CircuitBreaker?
        var picker = ReplicaPicker()
        var generator: SplitMixGenerator
        var inFlight: [Int]
        var totalInFlight = 0
        var attempts = 0
        var primaries = 0
        var hedges = 0
        var retries = 0
        var failures = 0
        var skips = 0
        /// Hedges and retries the machine wanted but a budget, the breaker or max_in_flight refused.
        var hedgesRefused = 0
        var retriesRefused = 0
        /// Requests waiting for a slot under `max_in_flight`, oldest first.
        var waiters: [(ticket: UInt64, grant: @Sendable (Int) -> Void)] = []
        var nextTicket: UInt64 = 1

        /// Hedges and retries add load: not while the upstream is full or its circuit is not closed
        /// (a half-open circuit lets exactly one attempt through, not its hedge).
        func canAddAttempt(maxInFlight: Int?) -> Bool {
            if let maxInFlight, totalInFlight >= maxInFlight { return false }
            if let breaker, breaker.state != .closed { return false }
            return true
        }
    }

    private let state: Mutex<State>

    /// `seed` fixes the replica picker's random choices (tests); nil seeds from the system.
    public init(spec: UpstreamSpec, seed: UInt64? = nil) {
        name = spec.name
        replicaCount = 1 + spec.replicas.count
        maxInFlight = spec.maxInFlight.map { max(0, $0) }
        timeout = max(1, spec.timeout.nanoseconds)
        hedge = spec.hedge
        var system = SystemRandomNumberGenerator()
        state = Mutex(State(
            replicaLatencies: Array(repeating: PeakEWMA(), count: 1 + spec.replicas.count),
            hedgeBudget: spec.hedge?.budget.map(AttemptBudget.init(ratio:)),
            // Retries always have a budget (10% unless set): a failing backend must not see its
            // load multiplied by `attempts`.
            retryBudget: spec.retry.map { AttemptBudget(ratio: $0.budget ?? RetrySpec.defaultBudget) },
            breaker: spec.circuit.map(CircuitBreaker.init(spec:)),
            generator: SplitMixGenerator(seed: seed ?? system.next()),
            inFlight: Array(repeating: 0, count: 1 + spec.replicas.count)))
    }

    /// Decides the primary attempt: circuit, then `max_in_flight`, then a replica by P2C. A `.send`
    /// is already counted in flight (end it with `attemptEnded`); in half-open it is the trial.
    /// With `waiter`, a full upstream queues the request instead of skipping it (`.queued`);
    /// `waiter` then receives the replica when a slot frees up.
    public func admit(now: Int64, waiter: (@Sendable (Int) -> Void)? = nil) -> UpstreamAdmission {
        state.withLock { state in
            // Peek before claiming: a request shed by max_in_flight must not use up the trial.
            if let breaker = state.breaker, !breaker.wouldAllow(now: now) {
                state.skips += 1
                return .skip(reason: .circuitOpen)
            }
            if let maxInFlight, state.totalInFlight >= maxInFlight || !state.waiters.isEmpty {
                guard let waiter else {
                    state.skips += 1
                    return .skip(reason: .maxInFlight)
                }
                let ticket = state.nextTicket
                state.nextTicket += 1
                state.waiters.append((ticket, waiter))
                return .queued(ticket: ticket)
            }
            _ = state.breaker?.allow(now: now)
            let replica = Self.pickReplica(&state, now: now)
            Self.start(&state, replica: replica, kind: .primary)
            return .send(replica: replica)
        }
    }

    /// A hedge or retry about to be sent (after `allowHedge`/`allowRetry` said yes).
    public func attemptStarted(replica: Int, kind: AttemptKind) {
        state.withLock { Self.start(&$0, replica: replica, kind: kind) }
    }

    /// Every attempt's end, exactly once, abandoned ones included; `AttemptEnd` says what each
    /// case teaches the breaker, the window and the replica's estimate. Only primaries feed the
    /// window: a hedge's or retry's latency is measured from a later start and would pull the
    /// percentiles down.
    public func attemptEnded(replica: Int, kind: AttemptKind, end: AttemptEnd, now: Int64) {
        let granted: (grant: @Sendable (Int) -> Void, replica: Int)? = state.withLock { state in
            let known = state.inFlight.indices.contains(replica)
            if known, state.inFlight[replica] > 0 {
                state.inFlight[replica] -= 1
            }
            state.totalInFlight = max(0, state.totalInFlight - 1)
            var windowSample: Int64?
            var estimateSample: Int64?
            switch end {
            case .answered(let latency):
                state.breaker?.record(success: true, now: now)
                windowSample = latency
                estimateSample = latency
            case .failed:
                state.failures += 1
                state.breaker?.record(success: false, now: now)
                estimateSample = timeout
            case .timedOut(let elapsed):
                state.failures += 1
                state.breaker?.record(success: false, now: now)
                windowSample = elapsed
                estimateSample = elapsed
            case .cutShort(let elapsed):
                state.breaker?.recordCancelled()
                windowSample = elapsed
                estimateSample = elapsed
            case .abandoned:
                state.breaker?.recordCancelled()
            }
            if kind == .primary, let windowSample { state.latencies.record(windowSample) }
            if known, let estimateSample { state.replicaLatencies[replica].observe(estimateSample, now: now) }
            // The freed slot goes to the oldest waiting request, if the circuit lets it through.
            guard !state.waiters.isEmpty, let maxInFlight, state.totalInFlight < maxInFlight else { return nil }
            if let breaker = state.breaker, !breaker.wouldAllow(now: now) { return nil }
            let waiter = state.waiters.removeFirst()
            _ = state.breaker?.allow(now: now)
            let chosen = Self.pickReplica(&state, now: now)
            Self.start(&state, replica: chosen, kind: .primary)
            return (waiter.grant, chosen)
        }
        // Outside the lock: the grant may call back into this object.
        if let granted { granted.grant(granted.replica) }
    }

    /// Withdraws a queued request; false when its grant has already been given (or is being given),
    /// in which case the caller must end that attempt (`attemptEnded` with `success: nil`).
    public func cancelWait(ticket: UInt64) -> Bool {
        state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.ticket == ticket }) else { return false }
            state.waiters.remove(at: index)
            state.skips += 1
            return true
        }
    }

    /// Nanoseconds without an answer before a hedge; nil when no hedge is configured.
    /// See `HedgeTiming` for the adaptive rule and its fallback.
    public func hedgeDelay() -> Int64? {
        guard let hedge else { return nil }
        return state.withLock { Self.hedgeDelay(hedge, timeout: timeout, state: &$0) }
    }

    /// Whether a hedge may be sent now; spends a budget token when it says yes. Also false while
    /// the upstream is at `max_in_flight` or its circuit is not closed.
    public func allowHedge() -> Bool {
        state.withLock { state in
            let allowed = state.canAddAttempt(maxInFlight: maxInFlight) && (state.hedgeBudget?.tryConsume() ?? true)
            if !allowed { state.hedgesRefused += 1 }
            return allowed
        }
    }

    /// Like `allowHedge`, for retries; call it after `attemptEnded` of the failed attempt, so that
    /// attempt no longer counts in flight and its failure has reached the breaker.
    public func allowRetry() -> Bool {
        state.withLock { state in
            let allowed = state.canAddAttempt(maxInFlight: maxInFlight) && (state.retryBudget?.tryConsume() ?? true)
            if !allowed { state.retriesRefused += 1 }
            return allowed
        }
    }

    /// What a retry can expect to wait for an answer (ns): the window's median, nil while the
    /// window has too few samples.
    public func expectedLatency() -> Int64? {
        state.withLock { $0.latencies.percentile(50) }
    }

    /// `now` (same clock as `admit`) decays the replicas' latency estimates to the moment of
    /// reading; without it they are shown as of their last sample.
    public func snapshot(now: Int64? = nil) -> UpstreamHealthSnapshot {
        state.withLock { state in
            func milliseconds(_ nanoseconds: Int64?) -> Double? { nanoseconds.map { Double($0) / 1_000_000 } }
            let hedgeDelay = hedge.map { Self.hedgeDelay($0, timeout: timeout, state: &state) }
            return UpstreamHealthSnapshot(
                name: name, replicas: replicaCount, inFlight: state.totalInFlight,
                inFlightByReplica: state.inFlight, maxInFlight: maxInFlight,
                samples: state.latencies.count,
                p50Ms: milliseconds(state.latencies.percentile(50)),
                p95Ms: milliseconds(state.latencies.percentile(95)),
                p99Ms: milliseconds(state.latencies.percentile(99)),
                hedgeDelayMs: milliseconds(hedgeDelay),
                circuit: state.breaker?.state.name ?? "off",
                consecutiveFailures: state.breaker?.consecutiveFailures ?? 0,
                attempts: state.attempts, primaries: state.primaries, hedges: state.hedges,
                retries: state.retries, failures: state.failures, skips: state.skips,
                hedgesRefused: state.hedgesRefused, retriesRefused: state.retriesRefused,
                latencyEstimateMsByReplica: state.replicaLatencies.map { estimate in
                    milliseconds(estimate.estimate(now: now ?? estimate.updatedAt).map { Int64($0) })
                })
        }
    }

    private static func start(_ state: inout State, replica: Int, kind: AttemptKind) {
        if state.inFlight.indices.contains(replica) { state.inFlight[replica] += 1 }
        state.totalInFlight += 1
        state.attempts += 1
        switch kind {
        case .primary:
            state.primaries += 1
            state.hedgeBudget?.recordPrimary()
            state.retryBudget?.recordPrimary()
        case .hedge:
            state.hedges += 1
        case .retry:
            state.retries += 1
        }
    }

    private static func hedgeDelay(_ hedge: HedgeSpec, timeout: Int64, state: inout State) -> Int64 {
        let observed = HedgeTiming.percentile(for: hedge.after, budget: hedge.budget)
            .flatMap { state.latencies.percentile($0) }
        return HedgeTiming.delay(for: hedge.after, timeout: timeout, observed: observed)
    }

    private static func pickReplica(_ state: inout State, now: Int64) -> Int {
        // One replica (most upstreams): nothing to choose, so no estimates to decay under the lock.
        guard state.inFlight.count > 1 else { return 0 }
        let latencies = state.replicaLatencies.map { $0.estimate(now: now) }
        return state.picker.pick(latencies: latencies, inFlight: state.inFlight, using: &state.generator)
    }
}

// MARK: Attempts answered without a request

extension UpstreamHealth {
    /// An admitted primary answered without sending anything (a cache hit, or another request's
    /// shared transfer): its place is given back like an abandoned attempt's, and it leaves the
    /// attempt counts, which count requests the upstream received.
    public func primaryNotSent(replica: Int, now: Int64) {
        attemptEnded(replica: replica, kind: .primary, end: .abandoned, now: now)
        state.withLock { state in
            state.attempts -= 1
            state.primaries -= 1
        }
    }
}
