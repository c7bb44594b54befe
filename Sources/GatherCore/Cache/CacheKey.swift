/// The identity of an upstream request for caching and coalescing: the method, the rendered
/// URL, the headers that vary the answer (the route's `headers` and the forwarded client
/// headers, in the order sent, names lowercased) and the body. Per-attempt and per-request
/// headers (`X-Request-Id`, `traceparent`, `tracestate`) are never part of it: every request
/// has its own, and keying on them would make every lookup a miss.
public struct CacheKey: Hashable, Sendable {
    public let bytes: [UInt8]

    public static let ignoredHeaders: Set<String> = ["x-request-id", "traceparent", "tracestate"]

    public init(method: String, url: String, headers: [(String, String)], body: [UInt8]?) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + url.utf8.count + 2 + (body?.count ?? 0))
        bytes += method.utf8
        bytes.append(0)
        bytes += url.utf8
        for (name, value) in headers {
            let lowered = name.lowercased()
            if Self.ignoredHeaders.contains(lowered) { continue }
            // Separators that cannot occur in a header name or value keep the parts apart.
            bytes.append(0)
            bytes += lowered.utf8
            bytes.append(1)
            bytes += value.utf8
        }
        if let body {
            bytes.append(2)
            bytes += body
        }
        self.bytes = bytes
    }
}
