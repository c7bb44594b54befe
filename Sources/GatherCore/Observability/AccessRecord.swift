/// What the access log says about one client request: answered, rejected, or abandoned by the
/// client. Built on the event loop from values the request already has (no copies of bodies);
/// formatted into one line by `LogLineFormatter`.
public struct AccessRecord: Sendable, CustomStringConvertible {
    /// The route's name; nil when no route took the request (404, 405, limits, shed).
    public var route: String?
    public var method: String
    /// The path without the query string: queries carry search terms and sometimes tokens,
    /// and access logs travel further and live longer than the requests they describe.
    public var path: Substring
    public var status: Int
    public var partial: Bool
    /// From the request head's arrival to the answer being handed to the connection.
    public var durationNanoseconds: Int64
    public var requestID: String
    public var trace: TraceContext?
    /// Route order; empty for rejected requests.
    public var upstreams: [UpstreamReport]
    /// `complete: first`: the upstream whose answer was returned.
    public var winner: String?

    public init(route: String?, method: String, path: Substring, status: Int, partial: Bool = false,
                durationNanoseconds: Int64, requestID: String, trace: TraceContext? = nil,
                upstreams: [UpstreamReport] = [], winner: String? = nil) {
        self.route = route
        self.method = method
        self.path = path
        self.status = status
        self.partial = partial
        self.durationNanoseconds = durationNanoseconds
        self.requestID = requestID
        self.trace = trace
        self.upstreams = upstreams
        self.winner = winner
    }

    /// The text-format fields, for log handlers that only know `description`.
    public var description: String {
        var writer = JSONWriter(reservingCapacity: 256)
        LogLineFormatter.writeTextFields(of: self, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
