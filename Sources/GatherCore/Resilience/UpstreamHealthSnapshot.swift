/// One upstream's live health, for the admin `/upstreams` endpoint.
public struct UpstreamHealthSnapshot: Sendable, Equatable {
    public var name: String
    /// url plus replicas.
    public var replicas: Int
    public var inFlight: Int
    public var inFlightByReplica: [Int]
    /// nil: unlimited.
    public var maxInFlight: Int?
    /// Latency samples in the window: primaries that answered, timed out, or were overtaken by a
    /// hedge (the last two as lower bounds).
    public var samples: Int
    /// nil until the window holds enough samples.
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?
    /// The delay a hedge would use now; nil when the upstream has no `hedge`.
    public var hedgeDelayMs: Double?
    /// `closed`, `open`, `half_open`, or `off` when no `circuit` is configured.
    public var circuit: String
    public var consecutiveFailures: Int
    /// Every attempt sent: primaries, hedges and retries.
    public var attempts: Int
    public var primaries: Int
    public var hedges: Int
    public var retries: Int
    /// Attempts that ended in failure (cancelled ones are not failures).
    public var failures: Int
    /// Refused admissions; a caller that waits for a slot may be refused more than once.
    public var skips: Int
    /// Hedges and retries due but refused (budget, circuit not closed, max_in_flight).
    public var hedgesRefused: Int
    public var retriesRefused: Int
    /// Each replica's latency estimate for the picker (url first); nil before its first sample.
    public var latencyEstimateMsByReplica: [Double?]

    public init(name: String, replicas: Int, inFlight: Int, inFlightByReplica: [Int], maxInFlight: Int?,
                samples: Int, p50Ms: Double?, p95Ms: Double?, p99Ms: Double?, hedgeDelayMs: Double?,
                circuit: String, consecutiveFailures: Int, attempts: Int, primaries: Int, hedges: Int,
                retries: Int, failures: Int, skips: Int, hedgesRefused: Int = 0, retriesRefused: Int = 0,
                latencyEstimateMsByReplica: [Double?] = []) {
        self.name = name
        self.replicas = replicas
        self.inFlight = inFlight
        self.inFlightByReplica = inFlightByReplica
        self.maxInFlight = maxInFlight
        self.samples = samples
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.hedgeDelayMs = hedgeDelayMs
        self.circuit = circuit
        self.consecutiveFailures = consecutiveFailures
        self.attempts = attempts
        self.primaries = primaries
        self.hedges = hedges
        self.retries = retries
        self.failures = failures
        self.skips = skips
        self.hedgesRefused = hedgesRefused
        self.retriesRefused = retriesRefused
        self.latencyEstimateMsByReplica = latencyEstimateMsByReplica
    }

    /// snake_case keys; unknown values are `null` rather than left out, so the shape is stable.
    public var jsonValue: JSONValue {
        func milliseconds(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        func integer(_ value: Int) -> JSONValue { .int(Int64(value)) }
        return .object(JSONObject([
            ("name", .string(name)),
            ("replicas", integer(replicas)),
            ("in_flight", integer(inFlight)),
            ("in_flight_by_replica", .array(inFlightByReplica.map(integer))),
            ("max_in_flight", maxInFlight.map(integer) ?? .null),
            ("samples", integer(samples)),
            ("p50_ms", milliseconds(p50Ms)),
            ("p95_ms", milliseconds(p95Ms)),
            ("p99_ms", milliseconds(p99Ms)),
            ("hedge_delay_ms", milliseconds(hedgeDelayMs)),
            ("circuit", .string(circuit)),
            ("consecutive_failures", integer(consecutiveFailures)),
            ("attempts", integer(attempts)),
            ("primaries", integer(primaries)),
            ("hedges", integer(hedges)),
            ("retries", integer(retries)),
            ("failures", integer(failures)),
            ("skips", integer(skips)),
            ("hedges_refused", integer(hedgesRefused)),
            ("retries_refused", integer(retriesRefused)),
            ("latency_estimate_ms_by_replica", .array(latencyEstimateMsByReplica.map(milliseconds))),
        ]))
    }
}
