/// The answer of `UpstreamHealthState.admit(now:queueing:)` for a request's primary attempt.
public enum UpstreamAdmission: Sendable, Equatable {
    /// Send to this index of url-plus-replicas; it is already counted in flight.
    case send(replica: Int)
    case skip(reason: AdmissionSkipReason)
    /// At `max_in_flight`: waiting for a slot. The grant callback given to `admit` runs once a
    /// slot is this request's (already counted in flight), unless `cancelWait(ticket)` came first.
    case queued(ticket: UInt64)
}
