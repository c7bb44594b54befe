/// Which failed attempts `retry.on` retries; raw values are the route-file spellings.
public enum RetryCondition: String, Sendable, Hashable, CaseIterable {
    case error
    case timeout
    case status5xx = "5xx"
    case status429 = "429"
}
