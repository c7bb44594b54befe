/// Why a primary attempt was not sent; the raw value is what logs and the envelope show.
public enum AdmissionSkipReason: String, Sendable, Equatable {
    case circuitOpen = "circuit open"
    case maxInFlight = "max_in_flight"
}
