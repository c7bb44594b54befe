/// The request id and W3C trace context of one gateway request. gather is a hop in the trace:
/// the request itself is gather's span (`spanID`, the parent the access log names), and each
/// upstream attempt is sent as a child with a parent id of its own (`upstreamTraceparent`).
public struct RequestIdentity: Sendable, Equatable {
    public var requestID: String
    public var trace: TraceContext
    public var spanID: UInt64

    public init(requestID: String, trace: TraceContext, spanID: UInt64) {
        self.requestID = requestID
        self.trace = trace
        self.spanID = spanID
    }

    /// Keeps a client's id when it is printable and short (it is echoed into headers and logs),
    /// otherwise makes one. A valid client `traceparent` keeps its trace id and flags (and its
    /// `tracestate` is forwarded); an invalid or missing one is replaced by a new trace.
    public static func make<G: RandomNumberGenerator>(clientRequestID: String?, clientTraceparent: String?,
                                                      clientTracestate: String? = nil,
                                                      using generator: inout G) -> RequestIdentity {
        let requestID: String
        if let clientRequestID, isAcceptableRequestID(clientRequestID) {
            requestID = clientRequestID
        } else {
            requestID = HexDigits.string(generator.next(), generator.next())
        }
        let trace = TraceContext.make(clientTraceparent: clientTraceparent, clientTracestate: clientTracestate,
                                      using: &generator)
        return RequestIdentity(requestID: requestID, trace: trace,
                               spanID: TraceContext.newSpanID(using: &generator))
    }

    /// gather's own span in the trace.
    public var traceparent: String { trace.traceparent(parentID: spanID) }

    /// What one upstream attempt is sent: the same trace, a fresh parent id per attempt, so a
    /// hedge and its primary are told apart in the trace.
    public func upstreamTraceparent<G: RandomNumberGenerator>(using generator: inout G) -> String {
        trace.traceparent(parentID: TraceContext.newSpanID(using: &generator))
    }

    static func isAcceptableRequestID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

extension RequestIdentity {
    /// Headers gather sets on every upstream request itself; a `forward_headers` entry naming
    /// one is ignored rather than sending it twice.
    public static let headerNames: Set<String> = ["x-request-id", "traceparent", "tracestate"]
}
