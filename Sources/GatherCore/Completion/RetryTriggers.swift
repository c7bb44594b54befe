/// Which failures a retry is sent for (`on: [error, timeout, 5xx, 429]`).
public struct RetryTriggers: Sendable, Equatable {
    public var error: Bool
    public var timeout: Bool
    public var status5xx: Bool
    public var status429: Bool

    public init(error: Bool = false, timeout: Bool = false, status5xx: Bool = false,
                status429: Bool = false) {
        self.error = error
        self.timeout = timeout
        self.status5xx = status5xx
        self.status429 = status429
    }

    /// Whether a failed attempt with this status deserves another try. A bad body, an
    /// oversized answer or another 4xx would only fail the same way again.
    public func matches(_ status: UpstreamStatus, httpStatus: Int?) -> Bool {
        switch status {
        case .error:
            return error
        case .timeout:
            return timeout
        case .badStatus:
            guard let httpStatus else { return false }
            if httpStatus == 429 { return status429 }
            return status5xx && (500...599).contains(httpStatus)
        case .ok, .badBody, .tooLarge, .cancelled, .skipped:
            return false
        }
    }
}
