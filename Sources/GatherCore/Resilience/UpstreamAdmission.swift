/// The answer of `UpstreamHealthState.admit(now:queueing:)` for a request's primary attempt.
public enum UpstreamAdmission: Sendable, Equatable {
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
