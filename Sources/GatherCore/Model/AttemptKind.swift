/// Why an attempt was sent; reported as `won_by` for the attempt whose answer was used.
public enum AttemptKind: String, Sendable, Equatable {
    case primary
    case hedge
    case retry
}
