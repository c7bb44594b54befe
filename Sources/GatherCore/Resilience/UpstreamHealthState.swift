/// The live health of one upstream as a value: latency window, hedge and retry budgets, circuit
/// breaker, replica picker with per-replica latency estimates, in-flight counts and the queue of
/// requests waiting under `max_in_flight`. No lock, no clock and no system randomness: time comes
/// in as `now`, the picker's generator is seeded by whoever makes it, and a freed slot handed to a
/// waiting request comes out as a `Grant` for the caller to deliver. `UpstreamHealth` in
/// GatherServer keeps one behind a `Mutex`, shared by every request of one route generation, and
/// performs the grants after unlocking.
///
/// The calling sequence per upstream per request:
/// 1. `admit(now:queueing:)` for the primary (sends, queues or skips);
/// 2. `hedgeDelay()` to arm the hedge timer; when it fires, `allowHedge()` then `attemptStarted`;
/// 3. `attemptEnded` for every attempt, including abandoned ones (see `AttemptEnd`);
/// 4. after a failed attempt has ended, `allowRetry()` then `attemptStarted` for the retry.
public struct UpstreamHealthState: Sendable {
    public let name: String
    /// url plus replicas.
    public let replicaCount: Int
    public let maxInFlight: Int?
    /// Per-attempt timeout in nanoseconds.
    public let timeout: Int64
    public let hedge: HedgeSpec?

    private var latencies = LatencyWindow()
    /// Per replica (url first), for the picker.
    private var replicaLatencies: [PeakEWMA]
    private var hedgeBudget: AttemptBudget?
    private var retryBudget: AttemptBudget?
    private var breaker: CircuitBreaker?
    private var picker = ReplicaPicker()
    private var generator: SplitMixGenerator
    private var inFlight: [Int]
    private var totalInFlight = 0
    private var attempts = 0
    private var primaries = 0
    private var hedges = 0
    private var retries = 0
    private var failures = 0
    private var skips = 0
    /// Hedges and retries the machine wanted but a budget, the breaker or max_in_flight refused.
    private var hedgesRefused = 0
    private var retriesRefused = 0
    /// Tickets of requests waiting for a slot under `max_in_flight`, oldest first.
    private var waiters: [UInt64] = []
    private var nextTicket: UInt64 = 1

    /// A slot freed by `attemptEnded` went to the waiting request `ticket`: its primary is sent to
    /// `replica` (already counted in flight).
    public struct Grant: Sendable, Equatable {
        public var ticket: UInt64
        public var replica: Int
    }

    /// `seed` fixes the replica picker's random choices.
    public init(spec: UpstreamSpec, seed: UInt64) {
        name = spec.name
        replicaCount = 1 + spec.replicas.count
        maxInFlight = spec.maxInFlight.map { max(0, $0) }
        timeout = max(1, spec.timeout.nanoseconds)
        hedge = spec.hedge
        replicaLatencies = Array(repeating: PeakEWMA(), count: 1 + spec.replicas.count)
        hedgeBudget = spec.hedge?.budget.map(AttemptBudget.init(ratio:))
        // Retries always have a budget (10% unless set): a failing backend must not see its
        // load multiplied by `attempts`.
        retryBudget = spec.retry.map { AttemptBudget(ratio: $0.budget ?? RetrySpec.defaultBudget) }
        breaker = spec.circuit.map(CircuitBreaker.init(spec:))
        generator = SplitMixGenerator(seed: seed)
        inFlight = Array(repeating: 0, count: 1 + spec.replicas.count)
    }

    /// Hedges and retries add load: not while the upstream is full or its circuit is not closed
    /// (a half-open circuit lets exactly one attempt through, not its hedge).
    private func canAddAttempt() -> Bool {
        if let maxInFlight, totalInFlight >= maxInFlight { return false }
        if let breaker, breaker.state != .closed { return false }
        return true
    }

    /// Decides the primary attempt: circuit, then `max_in_flight`, then a replica by P2C. A `.send`
    /// is already counted in flight (end it with `attemptEnded`); in half-open it is the trial.
    /// With `queueing`, a full upstream queues the request instead of skipping it (`.queued`); its
    /// ticket later comes out of `attemptEnded` as a `Grant`.
    public mutating func admit(now: Int64, queueing: Bool) -> Admission {
        // Peek before claiming: a request shed by max_in_flight must not use up the trial.
        if let breaker, !breaker.wouldAllow(now: now) {
            skips += 1
            return .skip(reason: .circuitOpen)
        }
        if let maxInFlight, totalInFlight >= maxInFlight || !waiters.isEmpty {
            guard queueing else {
                skips += 1
                return .skip(reason: .maxInFlight)
            }
            let ticket = nextTicket
            nextTicket += 1
            waiters.append(ticket)
            return .queued(ticket: ticket)
        }
        _ = breaker?.allow(now: now)
        let replica = pickReplica(now: now)
        start(replica: replica, kind: .primary)
        return .send(replica: replica)
    }

    /// A hedge or retry about to be sent (after `allowHedge`/`allowRetry` said yes).
    public mutating func attemptStarted(replica: Int, kind: AttemptKind) {
        start(replica: replica, kind: kind)
    }

    /// Every attempt's end, exactly once, abandoned ones included; `AttemptEnd` says what each
    /// case teaches the breaker, the window and the replica's estimate. Only primaries feed the
    /// window: a hedge's or retry's latency is measured from a later start and would pull the
    /// percentiles down. Returns the waiting request the freed slot goes to, if any.
    public mutating func attemptEnded(replica: Int, kind: AttemptKind, end: AttemptEnd, now: Int64) -> Grant? {
        let known = inFlight.indices.contains(replica)
        if known, inFlight[replica] > 0 {
            inFlight[replica] -= 1
        }
        totalInFlight = max(0, totalInFlight - 1)
        var windowSample: Int64?
        var estimateSample: Int64?
        switch end {
        case .answered(let latency):
            breaker?.record(success: true, now: now)
            windowSample = latency
            estimateSample = latency
        case .failed:
            failures += 1
            breaker?.record(success: false, now: now)
            estimateSample = timeout
        case .timedOut(let elapsed):
            failures += 1
            breaker?.record(success: false, now: now)
            windowSample = elapsed
            estimateSample = elapsed
        case .cutShort(let elapsed):
            breaker?.recordCancelled()
            windowSample = elapsed
            estimateSample = elapsed
        case .abandoned:
            breaker?.recordCancelled()
        }
        if kind == .primary, let windowSample { latencies.record(windowSample) }
        if known, let estimateSample { replicaLatencies[replica].observe(estimateSample, now: now) }
        // The freed slot goes to the oldest waiting request, if the circuit lets it through.
        guard !waiters.isEmpty, let maxInFlight, totalInFlight < maxInFlight else { return nil }
        if let breaker, !breaker.wouldAllow(now: now) { return nil }
        let ticket = waiters.removeFirst()
        _ = breaker?.allow(now: now)
        let chosen = pickReplica(now: now)
        start(replica: chosen, kind: .primary)
        return Grant(ticket: ticket, replica: chosen)
    }

    /// Withdraws a queued request; false when its grant has already been given, in which case the
    /// caller must end that attempt (`attemptEnded` with `.abandoned`).
    public mutating func cancelWait(ticket: UInt64) -> Bool {
        guard let index = waiters.firstIndex(of: ticket) else { return false }
        waiters.remove(at: index)
        skips += 1
        return true
    }

    /// Nanoseconds without an answer before a hedge; nil when no hedge is configured.
    /// See `HedgeTiming` for the adaptive rule and its fallback.
    public mutating func hedgeDelay() -> Int64? {
        guard let hedge else { return nil }
        let observed = HedgeTiming.percentile(for: hedge.after, budget: hedge.budget)
            .flatMap { latencies.percentile($0) }
        return HedgeTiming.delay(for: hedge.after, timeout: timeout, observed: observed)
    }

    /// Whether a hedge may be sent now; spends a budget token when it says yes. Also false while
    /// the upstream is at `max_in_flight` or its circuit is not closed.
    public mutating func allowHedge() -> Bool {
        let allowed = canAddAttempt() && (hedgeBudget?.tryConsume() ?? true)
        if !allowed { hedgesRefused += 1 }
        return allowed
    }

    /// Like `allowHedge`, for retries; call it after `attemptEnded` of the failed attempt, so that
    /// attempt no longer counts in flight and its failure has reached the breaker.
    public mutating func allowRetry() -> Bool {
        let allowed = canAddAttempt() && (retryBudget?.tryConsume() ?? true)
        if !allowed { retriesRefused += 1 }
        return allowed
    }

    /// What a retry can expect to wait for an answer (ns): the window's median, nil while the
    /// window has too few samples (mutating: the window sorts lazily).
    public mutating func expectedLatency() -> Int64? {
        latencies.percentile(50)
    }

    /// `now` (same clock as `admit`) decays the replicas' latency estimates to the moment of
    /// reading; without it they are shown as of their last sample. Mutating only because the
    /// latency window sorts its samples when a percentile is first asked for.
    public mutating func snapshot(now: Int64? = nil) -> UpstreamHealthSnapshot {
        func milliseconds(_ nanoseconds: Int64?) -> Double? { nanoseconds.map { Double($0) / 1_000_000 } }
        return UpstreamHealthSnapshot(
            name: name, replicas: replicaCount, inFlight: totalInFlight,
            inFlightByReplica: inFlight, maxInFlight: maxInFlight,
            samples: latencies.count,
            p50Ms: milliseconds(latencies.percentile(50)),
            p95Ms: milliseconds(latencies.percentile(95)),
            p99Ms: milliseconds(latencies.percentile(99)),
            hedgeDelayMs: milliseconds(hedgeDelay()),
            circuit: breaker?.state.name ?? "off",
            consecutiveFailures: breaker?.consecutiveFailures ?? 0,
            attempts: attempts, primaries: primaries, hedges: hedges,
            retries: retries, failures: failures, skips: skips,
            hedgesRefused: hedgesRefused, retriesRefused: retriesRefused,
            latencyEstimateMsByReplica: replicaLatencies.map { estimate in
                milliseconds(estimate.estimate(now: now ?? estimate.updatedAt).map { Int64($0) })
            })
    }

    /// An admitted primary answered without sending anything (a cache hit, or another request's
    /// shared transfer), after `attemptEnded(… .abandoned …)` gave its place back: it leaves the
    /// attempt counts, which count requests the upstream received.
    public mutating func primaryNotSent() {
        attempts -= 1
        primaries -= 1
    }

    private mutating func start(replica: Int, kind: AttemptKind) {
        if inFlight.indices.contains(replica) { inFlight[replica] += 1 }
        totalInFlight += 1
        attempts += 1
        switch kind {
        case .primary:
            primaries += 1
            hedgeBudget?.recordPrimary()
            retryBudget?.recordPrimary()
        case .hedge:
            hedges += 1
        case .retry:
            retries += 1
        }
    }

    private mutating func pickReplica(now: Int64) -> Int {
        // One replica (most upstreams): nothing to choose, so no estimates to decay.
        guard inFlight.count > 1 else { return 0 }
        let latencies = replicaLatencies.map { $0.estimate(now: now) }
        return picker.pick(latencies: latencies, inFlight: inFlight, using: &generator)
    }

    /// The answer of `UpstreamHealthState.admit(now:queueing:)` for a request's primary attempt.
    public enum Admission: Sendable, Equatable {
        /// Send to this index of url-plus-replicas; it is already counted in flight.
        case send(replica: Int)
        case skip(reason: SkipReason)
        /// At `max_in_flight`: waiting for a slot. The ticket comes back as a `Grant` from
        /// `attemptEnded` once a slot is this request's (already counted in flight), unless
        /// `cancelWait(ticket:)` came first.
        case queued(ticket: UInt64)

        /// Why a primary attempt was not sent; the raw value is what logs and the envelope show.
        public enum SkipReason: String, Sendable, Equatable {
            case circuitOpen = "circuit open"
            case maxInFlight = "max_in_flight"
        }
    }
}
