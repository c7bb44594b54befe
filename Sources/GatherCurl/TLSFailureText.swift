import CCurl

/// libcurl's TLS failures in words an operator reads in an upstream's `error`:
/// `TLS: certificate verify failed (self-signed certificate in certificate chain)`.
enum TLSFailureText {
    /// nil for a failure that is not about TLS (its text stays libcurl's).
    static func describe(code: CURLcode, text: String) -> String? {
        let reason = stripped(text)
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
            return "TLS: certificate verify failed (\(reason))"
        case CURLE_SSL_CONNECT_ERROR:
            return "TLS: handshake failed (\(reason))"
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CLIENTCERT:
            return "TLS: client certificate refused (\(reason))"
        case CURLE_SSL_CACERT_BADFILE:
            return "TLS: CA certificates unusable (\(reason))"
        case CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            return "TLS: \(reason)"
        default:
            return nil
        }
    }

    /// libcurl's own prefixes ("SSL certificate problem: ", "SSL: ", "OpenSSL SSL_connect: ")
    /// say nothing the `TLS:` label does not.
    static func stripped(_ text: String) -> String {
        for prefix in ["SSL certificate problem: ", "SSL: ", "OpenSSL "] where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count))
        }
        return text
    }
}
