/// A consecutive-failure circuit breaker (`circuit: { failures: 5, cooldown: 5s }`).
///
/// closed → open after `failureThreshold` failures in a row; open refuses until `cooldown` has
/// passed; the first `allow` after that moves to half-open and lets exactly one trial through,
/// refusing everything else until the trial ends: success closes, failure opens for another
/// cooldown, cancellation frees the trial slot for the next caller.
///
/// Results recorded while open are ignored: they come from attempts sent before the breaker
/// opened and must not cut the cooldown short. In half-open the breaker cannot tell the trial
/// from a straggler sent while closed; since stragglers outlive their timeout only rarely and a
/// cooldown is normally longer than a timeout, the first result to arrive decides.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case closed
        /// Refusing until this monotonic instant (ns).
        case open(until: Int64)
        case halfOpen

        /// `closed`, `open`, `half_open`: for the admin page and logs.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }
    }

    public let failureThreshold: Int
    /// Nanoseconds.
    public let cooldown: Int64
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// Half-open only: the single trial has been let through and has not ended yet.
    private var trialInFlight = false

    /// A threshold below 1 counts as 1; a negative cooldown as 0.
    public init(failures: Int, cooldown: Int64) {
        failureThreshold = max(1, failures)
        self.cooldown = max(0, cooldown)
    }

    public init(spec: CircuitSpec) {
        self.init(failures: spec.failures, cooldown: spec.cooldown.nanoseconds)
    }

    /// What `allow(now:)` would answer, without claiming the half-open trial.
    public func wouldAllow(now: Int64) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen: !trialInFlight
        }
    }

    /// Whether an attempt may be sent now; a true answer in half-open claims the trial.
    public mutating func allow(now: Int64) -> Bool {
        switch state {
        case .closed:
            return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            trialInFlight = true
            return true
        case .halfOpen:
            guard !trialInFlight else { return false }
            trialInFlight = true
            return true
        }
    }

    /// The outcome of an attempt that ran to an answer (or a timeout / transport error).
    public mutating func record(success: Bool, now: Int64) {
        switch state {
        case .open:
            return
        case .halfOpen:
            trialInFlight = false
            if success {
                state = .closed
                consecutiveFailures = 0
            } else {
                open(now: now)
            }
        case .closed:
            if success {
                consecutiveFailures = 0
            } else {
                consecutiveFailures = min(consecutiveFailures + 1, failureThreshold)
                if consecutiveFailures >= failureThreshold { open(now: now) }
            }
        }
    }

    /// An attempt aborted before its outcome was known (the request no longer needed it): it says
    /// nothing about the upstream, but a cancelled trial must not leave half-open stuck.
    public mutating func recordCancelled() {
        if state == .halfOpen { trialInFlight = false }
    }

    private mutating func open(now: Int64) {
        let (until, overflow) = now.addingReportingOverflow(cooldown)
        state = .open(until: overflow ? .max : until)
    }
}
