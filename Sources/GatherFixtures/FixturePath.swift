import GatherCore

/// One path a fixture backend serves, with its canned answer and its injected misbehaviours.
public struct FixturePath: Sendable {
    /// Exact path match; the query string plays no part in routing.
    public var path: String
    /// Upper-case method, or nil for any method.
    public var method: String?
    public var body: FixtureBody
    public var status: Int
    public var contentType: String
    public var latency: FixtureLatency
    public var error: FixtureErrorInjection
    public var stall: FixtureStall
    /// Rate of requests whose connection is reset (RST) instead of answered.
    public var reset: Double
    /// Rate of requests answered with bytes that are not HTTP, then a close.
    public var garbage: Double
    public var oversized: FixtureOversized
    public var drip: FixtureDrip
    /// Rate of answers that declare a Content-Length, send half of it and close.
    public var truncate: Double
    /// Where the entry was written, when it came from a file.
    public var location: SourceLocation?

    public init(
        path: String,
        method: String? = nil,
        body: FixtureBody,
        status: Int = 200,
        contentType: String = "application/json",
        latency: FixtureLatency = .none,
        error: FixtureErrorInjection = .never,
        stall: FixtureStall = .never,
        reset: Double = 0,
        garbage: Double = 0,
        oversized: FixtureOversized = .never,
        drip: FixtureDrip = .never,
        truncate: Double = 0,
        location: SourceLocation? = nil
    ) {
        self.path = path
        self.method = method?.uppercased()
        self.body = body
        self.status = status
        self.contentType = contentType
        self.latency = latency
        self.error = error
        self.stall = stall
        self.reset = reset
        self.garbage = garbage
        self.oversized = oversized
        self.drip = drip
        self.truncate = truncate
        self.location = location
    }
}
