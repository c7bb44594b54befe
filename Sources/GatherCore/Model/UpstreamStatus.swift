/// The final state of one upstream in one aggregated answer (contract: "Upstream status").
public enum UpstreamStatus: String, Sendable, Equatable, CaseIterable {
    case ok
    case timeout
    case error
    case badStatus = "bad_status"
    case badBody = "bad_body"
    case tooLarge = "too_large"
    case cancelled
    case skipped

    /// Whether this state makes the answer partial; `ok` and `cancelled` do not.
    public var makesPartial: Bool {
        switch self {
        case .ok, .cancelled: return false
        default: return true
        }
    }
}
