/// An upstream's TLS settings (`tls:` on the upstream, over the route's `tls:` field by field),
/// with the PEM files already read and checked at load: what was validated is what connects,
/// and a reload reads the files again.
public struct UpstreamTLS: Sendable, Hashable {
    /// Extra trusted CAs (PEM), added to the system's: the file, or a folder's `*.pem`/`*.crt`
    /// files in name order, concatenated. nil: the system's CAs only.
    public var caPEM: [UInt8]?
    /// The client certificate (chain) and its key, for upstreams that require mTLS.
    public var certificatePEM: [UInt8]?
    public var keyPEM: [UInt8]?
    /// false: the upstream's certificate and name are not checked (warned about at load).
    public var verify: Bool
    /// SNI and the name the certificate must carry, when it is not the url's host.
    public var serverName: String?
    /// The files as written, for `gather check` and `/routes`.
    public var caPath: String?
    public var certificatePath: String?
    public var keyPath: String?
    /// Where `verify: false` was written (for the warning), nil when verifying.
    public var verifyDisabledAt: SourceLocation?

    public init(caPEM: [UInt8]? = nil, certificatePEM: [UInt8]? = nil, keyPEM: [UInt8]? = nil, verify: Bool = true,
                serverName: String? = nil, caPath: String? = nil, certificatePath: String? = nil, keyPath: String? = nil,
                verifyDisabledAt: SourceLocation? = nil) {
        self.caPEM = caPEM
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.verify = verify
        self.serverName = serverName
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.verifyDisabledAt = verifyDisabledAt
    }
}

/// `http:` — which HTTP version gather speaks to an upstream.
public enum UpstreamHTTPVersion: String, Sendable, Hashable, CaseIterable {
    /// HTTP/1.1 (the default for `http://`).
    case http1_1 = "1.1"
    /// HTTP/2 offered by ALPN, HTTP/1.1 when the server does not take it (the default for `https://`).
    case http2 = "2"
    /// HTTP/2 without TLS, by prior knowledge (`http://` only).
    case h2c
}
