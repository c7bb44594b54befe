/// Headers that describe one connection, never the message (RFC 9110 §7.6.1), plus the ones
/// libcurl writes itself; none of them is ever forwarded upstream.
enum HopByHopHeaders {
    static let names: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host", "content-length", "expect",
    ]

    /// The fixed set plus any header the client's `Connection` header names.
    static func names(connectionHeader values: [String]) -> Set<String> {
        guard !values.isEmpty else { return names }
        var all = names
        for value in values {
            for token in value.split(separator: ",") {
                all.insert(token.trimmingCharacters(in: .whitespaces).lowercased())
            }
        }
        return all
    }
}
