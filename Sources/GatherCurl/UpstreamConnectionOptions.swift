import CCurl
import CCurlShim
import Synchronization

/// How gather connects to an upstream: HTTP version and TLS. One instance per distinct setting
/// per route load, shared by all the requests (and shards) that use it: an easy handle that
/// last applied the same instance sets none of these options again.
public final class UpstreamConnectionOptions: Sendable {
    public enum HTTPVersion: Sendable, Equatable {
        /// HTTP/1.1 only.
        case http1_1
        /// HTTP/2 by ALPN on https://, HTTP/1.1 when the server does not offer it.
        case http2
        /// HTTP/2 without TLS by prior knowledge (http://).
        case h2c
    }

    public let httpVersion: HTTPVersion
    /// PEM CAs trusted in addition to the system's.
    public let caPEM: [UInt8]?
    /// Client certificate (chain) and key, PEM.
    public let certificatePEM: [UInt8]?
    public let keyPEM: [UInt8]?
    /// false: neither the certificate chain nor the name is checked.
    public let verify: Bool
    /// Sent as SNI and checked against the certificate instead of the url's host (which is
    /// still where gather connects, and the Host header).
    public let serverName: String?
    /// CURLOPT_CONNECT_TO lists by entry (one per address the upstream's urls name).
    private let connectToLists = Mutex<[String: UnsafeMutablePointer<curl_slist>]>([:])

    public init(httpVersion: HTTPVersion = .http1_1, caPEM: [UInt8]? = nil, certificatePEM: [UInt8]? = nil,
                keyPEM: [UInt8]? = nil, verify: Bool = true, serverName: String? = nil) {
        self.httpVersion = httpVersion
        self.caPEM = caPEM
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.verify = verify
        self.serverName = serverName
    }

    deinit {
        connectToLists.withLock { lists in
            for list in lists.values { curl_slist_free_all(list) }
        }
    }

    /// The CURLOPT_CONNECT_TO list for one entry, made once and kept as long as these options
    /// (an easy handle that applied them keeps them alive while it may still point at the list).
    func connectTo(_ entry: String) -> UnsafeMutablePointer<curl_slist>? {
        connectToLists.withLock { lists in
            if let list = lists[entry] { return list }
            let list = curl_slist_append(nil, entry)
            lists[entry] = list
            return list
        }
    }
}

/// How a request to an upstream with `server_name` is addressed: the url names the server name
/// (SNI, the name verified, the connection pool's key), CURLOPT_CONNECT_TO the real address.
struct ServerNameRoute {
    var url: String
    var connectTo: String
    var hostHeader: String

    /// nil with why when libcurl cannot parse or re-address the url.
    static func make(url: String, serverName: String) -> (route: ServerNameRoute?, problem: String?) {
        var rewritten: UnsafeMutablePointer<CChar>?
        var connectTo: UnsafeMutablePointer<CChar>?
        var authority: UnsafeMutablePointer<CChar>?
        let code = gather_url_for_server_name(url, serverName, &rewritten, &connectTo, &authority)
        defer {
            curl_free(rewritten)
            curl_free(connectTo)
            curl_free(authority)
        }
        guard code == 0, let rewritten, let connectTo, let authority else {
            return (nil, "cannot address \(url) as server_name \(serverName) (libcurl URL error \(code))")
        }
        return (ServerNameRoute(url: String(cString: rewritten), connectTo: String(cString: connectTo),
                                hostHeader: String(cString: authority)), nil)
    }
}
