/// HTTP methods a route may match, and headers a route may not set or forward.
public enum RouteMethods {
    public static let known = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// RFC 9110 §9.2.2: sending these twice has the effect of sending them once, so a hedge or a
    /// retry is safe. POST and PATCH are not, unless the upstream says so (`idempotent: true`).
    public static let idempotent: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]

    /// Whether hedges and retries may repeat a request with this method (case-sensitive, as
    /// methods are) to `upstream`.
    public static func allowsRepeats(_ method: String, to upstream: UpstreamSpec) -> Bool {
        upstream.idempotent || idempotent.contains(method)
    }

    /// Connection-level headers belong to each hop; the gateway manages them itself.
    static let hopByHopHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
        "content-length",
    ]

    /// Set by the gateway on every attempt (a fresh span per attempt, the request's id); a
    /// route's own value would be sent beside them or break the trace.
    static let tracingHeaders: Set<String> = ["traceparent", "tracestate", "x-request-id"]
}
