public enum TransferFailure: Sendable, Equatable {
    /// The request's timeout passed (connecting included).
    case timeout
    /// The body (declared or received) went past `maxBodyBytes`.
    case tooLarge
    /// Refused, reset, closed before the promised body ended, not HTTP, DNS, TLS, bad request input.
    case transport
    /// `cancel` or `shutdown` ended it.
    case cancelled
}
