/// The machine's working state for one upstream: its sanitised plan plus timers and counters.
/// What the caller may read lives in `UpstreamOutcome`; this is the rest.
struct UpstreamProgress: Sendable {
    /// Sentinel for "no timer": later than any real instant.
    static let never = Int64.max

    // Plan, sanitised once so the hot paths need no checks.
    let replicaCount: Int
    let primaryReplica: Int
    let timeout: Int64
    let hedgeAfter: Int64
    let hedgeMax: Int
    let retryTriggers: RetryTriggers
    let backoff: Int64
    /// Retries allowed in all (`retriesLeft` counts down from here).
    let retryLimit: Int
    /// Nanoseconds a retry is expected to take; 0 when unknown.
    let expectedLatency: Int64

    var isFinal = false
    var inFlight = 0
    var firstAttempt = -1
    var lastAttempt = -1
    var lastReplica: Int
    var hedgesSent = 0
    /// Attempt serials handed out, withdrawn ones included (`outcomes.attempts` counts only sent ones).
    var serialsIssued = 0
    var retriesLeft: Int
    var hedgeAt = UpstreamProgress.never
    var retryAt = UpstreamProgress.never
    /// A hedge or retry that came due while every parallel slot was taken.
    var queuedKind: AttemptKind?
    /// The earliest of this upstream's timers: hedge, retry and in-flight attempt timeouts.
    var nextTimer = UpstreamProgress.never
    var lastFailure = UpstreamStatus.error
    var lastFailureHTTPStatus: Int?
    /// Needs not `ok` yet: while above 0 the upstream is held, never sent.
    var waitingOn: Int
    let required: Bool

    init(_ upstream: PlannedUpstream) {
        replicaCount = max(1, upstream.replicaCount)
        let primary = upstream.primaryReplica % replicaCount
        primaryReplica = primary < 0 ? primary + replicaCount : primary
        lastReplica = primaryReplica
        timeout = max(1, upstream.timeout)
        if let after = upstream.hedgeAfter {
            hedgeAfter = max(0, after)
            hedgeMax = max(0, upstream.hedgeMax)
        } else {
            hedgeAfter = 0
            hedgeMax = 0
        }
        retryTriggers = upstream.retry?.on ?? RetryTriggers()
        retriesLeft = max(0, upstream.retry?.attempts ?? 0)
        retryLimit = retriesLeft
        backoff = max(0, upstream.retry?.backoff ?? 0)
        expectedLatency = max(0, upstream.retry?.expectedLatency ?? 0)
        waitingOn = Set(upstream.needs).count
        required = upstream.required
    }
}
