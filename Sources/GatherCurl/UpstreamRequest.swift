/// One HTTP request to an upstream, as the transfer engine sends it.
///
/// The engine owns message framing: a `Content-Length` or `Transfer-Encoding` header given here
/// is not sent (the body's real length is), `Expect: 100-continue` is never sent, and a body
/// without a `Content-Type` header goes without one (libcurl would otherwise claim a form).
public struct UpstreamRequest: Sendable {
    /// GET, HEAD, DELETE, POST, PUT, PATCH, OPTIONS (any other token is sent as a custom method).
    public var method: String
    /// Absolute `http://` or `https://` URL.
    public var url: String
    /// Sent in order; names are sent as given.
    public var headers: [(String, String)]
    /// Sent for every method but GET and HEAD. POST, PUT and PATCH without a body send an empty one.
    public var body: [UInt8]?
    /// Backstop for the whole transfer, connecting included (clamped to 1 ms … 24 h).
    public var timeoutMilliseconds: Int
    /// A response body past this many bytes fails the transfer as `.tooLarge`.
    public var maxBodyBytes: Int
    /// Open a new connection instead of reusing a cached one (hedged attempts).
    public var freshConnection: Bool
    /// HTTP version and TLS; nil: HTTP/1.1, the system's CAs, verified.
    public var connection: UpstreamConnectionOptions?
    /// Leave a compressed body as it came (CURLOPT_HTTP_CONTENT_DECODING off), its
    /// Content-Encoding in the headers; `maxBodyBytes` then counts the encoded bytes. For
    /// bodies passed on to a client that accepted the coding the request's Accept-Encoding names.
    public var passEncoded = false
    /// False: the answer's header fields are not kept (`.completed` carries none), for a caller
    /// that reads none of them; only Content-Length is still read, for the body limit. Spares
    /// a String per header value and the list per transfer.
    public var keepsHeaders = true

    public init(
        method: String = "GET",
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeoutMilliseconds: Int = 30_000,
        maxBodyBytes: Int = 8 * 1024 * 1024,
        freshConnection: Bool = false,
        connection: UpstreamConnectionOptions? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxBodyBytes = maxBodyBytes
        self.freshConnection = freshConnection
        self.connection = connection
    }
}
