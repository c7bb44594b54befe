/// HTTP methods a route may match, and headers a route may not set or forward.
public enum RouteMethods {
    public static let known = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// Connection-level headers belong to each hop; the gateway manages them itself.
    static let hopByHopHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
        "content-length",
    ]
}
