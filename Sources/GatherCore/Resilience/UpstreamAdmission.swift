/// The answer of `UpstreamHealth.admit(now:)` for a request's primary attempt.
public enum UpstreamAdmission: Sendable, Equatable {
    /// Send to this index of url-plus-replicas; it is already counted in flight.
    case send(replica: Int)
    case skip(reason: AdmissionSkipReason)
}
