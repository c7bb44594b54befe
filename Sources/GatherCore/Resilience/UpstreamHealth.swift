import Synchronization

/// The live health of one upstream, shared by every request of one route generation: latency
/// window, hedge and retry budgets, circuit breaker, replica picker and in-flight counts, behind
/// one lock. Each call is one short critical section of plain arithmetic (a sort of at most 256
/// numbers once per 16 samples is the most expensive), so request threads never wait long.
///
/// The calling sequence per upstream per request:
/// 1. `admit(now:)` for the primary (sends or skips);
/// 2. `hedgeDelay()` to arm the hedge timer; when it fires, `allowHedge()` then `attemptStarted`;
/// 3. `attemptEnded` for every attempt, including cancelled ones (`success: nil`);
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
            hedgeBudget: spec.hedge?.budget.map(AttemptBudget.init(ratio:)),
            retryBudget: spec.retry?.budget.map(AttemptBudget.init(ratio:)),
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
            let replica = state.picker.pick(inFlight: state.inFlight, using: &state.generator)
            Self.start(&state, replica: replica, kind: .primary)
            return .send(replica: replica)
        }
    }

    /// A hedge or retry about to be sent (after `allowHedge`/`allowRetry` said yes).
    public func attemptStarted(replica: Int, kind: AttemptKind) {
        state.withLock { Self.start(&$0, replica: replica, kind: kind) }
    }

    /// Every attempt's end. `success` nil: cancelled (not needed any more), which tells nothing
    /// about the upstream. `latency` (ns) is kept only for successful primaries: a hedge's latency
    /// is measured from a later start and would pull the percentiles down.
    public func attemptEnded(replica: Int, success: Bool?, latency: Int64?, now: Int64, isPrimary: Bool) {
        let granted: (grant: @Sendable (Int) -> Void, replica: Int)? = state.withLock { state in
            if state.inFlight.indices.contains(replica), state.inFlight[replica] > 0 {
                state.inFlight[replica] -= 1
            }
            state.totalInFlight = max(0, state.totalInFlight - 1)
            switch success {
            case .none:
                state.breaker?.recordCancelled()
            case .some(let succeeded):
                if !succeeded { state.failures += 1 }
                state.breaker?.record(success: succeeded, now: now)
                if succeeded, isPrimary, let latency { state.latencies.record(latency) }
            }
            // The freed slot goes to the oldest waiting request, if the circuit lets it through.
            guard !state.waiters.isEmpty, let maxInFlight, state.totalInFlight < maxInFlight else { return nil }
            if let breaker = state.breaker, !breaker.wouldAllow(now: now) { return nil }
            let waiter = state.waiters.removeFirst()
            _ = state.breaker?.allow(now: now)
            let chosen = state.picker.pick(inFlight: state.inFlight, using: &state.generator)
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
            guard state.canAddAttempt(maxInFlight: maxInFlight) else { return false }
            return state.hedgeBudget?.tryConsume() ?? true
        }
    }

    /// Like `allowHedge`, for retries; call it after `attemptEnded` of the failed attempt, so that
    /// attempt no longer counts in flight and its failure has reached the breaker.
    public func allowRetry() -> Bool {
        state.withLock { state in
            guard state.canAddAttempt(maxInFlight: maxInFlight) else { return false }
            return state.retryBudget?.tryConsume() ?? true
        }
    }

    public func snapshot() -> UpstreamHealthSnapshot {
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
                retries: state.retries, failures: state.failures, skips: state.skips)
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
        var observed: Int64?
        if case .percentile(let p) = hedge.after { observed = state.latencies.percentile(p) }
        return HedgeTiming.delay(for: hedge.after, timeout: timeout, observed: observed)
    }
}
