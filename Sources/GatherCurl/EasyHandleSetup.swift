import CCurl
import CCurlShim

/// Sets every option one transfer needs on a freshly reset easy handle.
enum EasyHandleSetup {
    /// Connecting may use the request's whole timeout, but never more than this: a host that
    /// does not answer the SYN within it is better tried again (retry, hedge) than waited on.
    static let connectTimeoutCapMilliseconds = 2_000
    static let longestTimeoutMilliseconds = 86_400_000

    /// Returns nil on success, else why the request cannot be sent. On failure the caller still
    /// owns `transfer.headerList` (possibly partial) and frees it.
    ///
    /// A plain GET on a handle that still holds a plain GET's options (see `EasyHandlePool`)
    /// sets only the options that differ per request: URL, timeouts, userdata and headers.
    /// Anything else starts from a reset handle and sets everything.
    static func configure(_ easy: PooledEasyHandle, for transfer: Transfer, scratch: inout [UInt8]) -> String? {
        let request = transfer.request
        guard let plan = RequestPlan.make(method: request.method, hasBody: request.body != nil) else {
            return "request method is not an HTTP token"
        }
        guard !request.url.utf8.contains(0) else {
            return "request URL contains a NUL byte"
        }
        let plainGet = plan.verb == .get && !plan.sendsBody && !request.freshConnection
        if plainGet && easy.holdsPlainGetOptions {
            return configurePerRequest(easy, for: transfer, sendsBody: false, scratch: &scratch, plainGet: true)
        }
        if easy.holdsPlainGetOptions {
            curl_easy_reset(easy.handle)
        }
        return configureFully(easy, for: transfer, plan: plan, scratch: &scratch, plainGet: plainGet)
    }

    private static func configureFully(_ easy: PooledEasyHandle, for transfer: Transfer, plan: RequestPlan,
                                       scratch: inout [UInt8], plainGet: Bool) -> String? {
        let request = transfer.request
        let handle = easy.handle
        var errors = CurlOptionErrors()
        func check(_ code: CURLcode) { errors.check(code) }
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()

        check(gather_easy_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(gather_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        check(gather_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1))
        check(gather_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        // An empty proxy disables proxies, including the environment's http_proxy.
        check(gather_easy_setopt_str(handle, CURLOPT_PROXY, ""))
        // Compressed answers are asked for and decoded as they arrive: the body callback counts
        // decoded bytes against max_body, so a decompression bomb stops at the limit. A route's
        // own Accept-Encoding header replaces this one (libcurl still decodes what it knows).
        // Decoding is set per request (configurePerRequest): off for `passEncoded`.
        check(gather_easy_setopt_str(handle, CURLOPT_ACCEPT_ENCODING, acceptEncoding))
        check(gather_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, easy.errorBuffer))
        // Same function pointers every time; only the userdata changes between transfers.
        check(gather_easy_set_write_callback(handle, CurlCallbacks.write, userdata))
        check(gather_easy_set_header_callback(handle, CurlCallbacks.header, userdata))
        // The thread learns of every socket close (its epoll bookkeeping, see EpollSocketTable).
        check(gather_easy_set_closesocket_callback(handle, CurlCallbacks.closeSocket, transfer.thread?.closeSocketUserdata))
        if request.freshConnection {
            check(gather_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1))
        }

        switch plan.verb {
        case .get:
            check(gather_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .head:
            check(gather_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
        case .post:
            check(gather_easy_setopt_long(handle, CURLOPT_POST, 1))
        case .custom:
            check(request.method.withCString { gather_easy_setopt_str(handle, CURLOPT_CUSTOMREQUEST, $0) })
        }
        if plan.sendsBody {
            let body = request.body ?? []
            // Size first: COPYPOSTFIELDS copies exactly that many bytes (binary-safe).
            check(gather_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            if body.isEmpty {
                check(gather_easy_setopt_ptr(handle, CURLOPT_POSTFIELDS, emptyBody))
            } else {
                check(body.withUnsafeBytes { gather_easy_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) })
            }
        }

        // After a reset only HTTP/1.1 needs saying; other connection options, when there are any.
        if let options = request.connection {
            applyConnection(options, on: handle, errors: &errors)
        } else {
            check(gather_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, gather_http_version_1_1))
        }
        easy.applied.options = request.connection
        if let problem = errors.problem(on: easy) { return problem }
        return configurePerRequest(easy, for: transfer, sendsBody: plan.sendsBody, scratch: &scratch, plainGet: plainGet)
    }

    /// The options that differ between requests: URL, timeouts, userdata and headers. A handle
    /// that holds a plain GET's options needs only these.
    private static func configurePerRequest(_ easy: PooledEasyHandle, for transfer: Transfer, sendsBody: Bool,
                                            scratch: inout [UInt8], plainGet: Bool) -> String? {
        let request = transfer.request
        let handle = easy.handle
        var errors = CurlOptionErrors()
        func check(_ code: CURLcode) { errors.check(code) }
        // Counted from `start`: a transfer that waited for an HTTP/2 stream slot has less left.
        let left = request.timeoutMilliseconds - Int(transfer.elapsedMilliseconds)
        let timeout = min(max(left, 1), longestTimeoutMilliseconds)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        // A kept plain-GET handle may hold another upstream's HTTP version and TLS settings.
        if easy.applied.options !== request.connection {
            applyConnection(request.connection, on: handle, errors: &errors)
            easy.applied.options = request.connection
        }
        var hostHeader: String?
        if let serverName = request.connection?.serverName {
            let made = ServerNameRoute.make(url: request.url, serverName: serverName)
            guard let route = made.route else { return made.problem }
            check(route.url.withCString { gather_easy_setopt_str(handle, CURLOPT_URL, $0) })
            check(gather_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, request.connection?.connectTo(route.connectTo)))
            hostHeader = route.hostHeader
        } else {
            check(request.url.withCString { gather_easy_setopt_str(handle, CURLOPT_URL, $0) })
        }
        check(gather_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout))
        check(gather_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeout, connectTimeoutCapMilliseconds)))
        // Per request, so that a kept plain-GET handle never carries another request's choice.
        check(gather_easy_setopt_long(handle, CURLOPT_HTTP_CONTENT_DECODING, request.passEncoded ? 0 : 1))
        check(gather_easy_setopt_ptr(handle, CURLOPT_PRIVATE, userdata))
        check(gather_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, userdata))
        check(gather_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, userdata))
        if let problem = buildHeaderList(for: transfer, sendsBody: sendsBody, hostHeader: hostHeader, scratch: &scratch) {
            return problem
        }
        check(gather_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, transfer.headerList))
        if let problem = errors.problem(on: easy) { return problem }
        transfer.isPlainGet = plainGet
        return nil
    }

    private static func buildHeaderList(for transfer: Transfer, sendsBody: Bool, hostHeader: String?,
                                        scratch: inout [UInt8]) -> String? {
        var hasContentType = false
        var hasHost = false
        for (name, value) in transfer.request.headers {
            switch RequestHeaderEncoder.encode(name: name, value: value, into: &scratch) {
            case .invalid(let problem):
                return problem
            case .skipped:
                continue
            case .encoded:
                guard append(scratch, to: transfer) else {
                    return "out of memory building request headers"
                }
                if RequestHeaderEncoder.equalsIgnoringASCIICase(name, "content-type") {
                    hasContentType = true
                } else if RequestHeaderEncoder.equalsIgnoringASCIICase(name, "host") {
                    hasHost = true
                }
            }
        }
        // With `server_name` the url names that host; the Host header still names the url's.
        if let hostHeader, !hasHost {
            guard append(Array("Host: \(hostHeader)".utf8) + [0], to: transfer) else {
                return "out of memory building request headers"
            }
        }
        // libcurl would announce `Expect: 100-continue` for big bodies and wait a round trip.
        guard append(expectRemoval, to: transfer) else {
            return "out of memory building request headers"
        }
        // …and label any POST body a form unless told otherwise.
        if sendsBody, !hasContentType {
            guard append(contentTypeRemoval, to: transfer) else {
                return "out of memory building request headers"
            }
        }
        return nil
    }

    /// `line` is NUL-terminated; libcurl copies it.
    private static func append(_ line: [UInt8], to transfer: Transfer) -> Bool {
        let extended: UnsafeMutablePointer<curl_slist>? = line.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                curl_slist_append(transfer.headerList, characters.baseAddress)
            }
        }
        guard let extended else {
            return false
        }
        transfer.headerList = extended
        return true
    }

    /// HTTP version and TLS options: `options`' values, or libcurl's defaults (HTTP/1.1, the
    /// system's CAs, verified, no client certificate) where it has none. Blobs are copied.
    private static func applyConnection(_ options: UpstreamConnectionOptions?, on handle: UnsafeMutableRawPointer,
                                        errors: inout CurlOptionErrors) {
        let version: Int
        switch options?.httpVersion ?? .http1_1 {
        case .http1_1: version = gather_http_version_1_1
        case .http2: version = gather_http_version_2_tls
        case .h2c: version = gather_http_version_2_prior_knowledge
        }
        errors.check(gather_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, version))
        // HTTP/2: wait for the connection being set up rather than open one per request, so
        // requests to one host multiplex over it (CURLPIPE_MULTIPLEX on the multi handle).
        errors.check(gather_easy_setopt_long(handle, CURLOPT_PIPEWAIT, version == gather_http_version_1_1 ? 0 : 1))
        let verify = options?.verify ?? true
        errors.check(gather_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, verify ? 1 : 0))
        errors.check(gather_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, verify ? 2 : 0))
        // With CAINFO_BLOB set, libcurl (OpenSSL) trusts the blob and the CA folder (Debian's
        // libcurl defaults it to /etc/ssl/certs, the system's CAs, hashed), no longer the bundle
        // file: a private CA is added to the system's, not put in their place.
        errors.check(setBlob(handle, CURLOPT_CAINFO_BLOB, options?.caPEM))
        errors.check(setBlob(handle, CURLOPT_SSLCERT_BLOB, options?.certificatePEM))
        errors.check(setBlob(handle, CURLOPT_SSLKEY_BLOB, options?.keyPEM))
        if options?.certificatePEM != nil {
            errors.check(gather_easy_setopt_str(handle, CURLOPT_SSLCERTTYPE, "PEM"))
            errors.check(gather_easy_setopt_str(handle, CURLOPT_SSLKEYTYPE, "PEM"))
        }
        if options?.serverName == nil {
            errors.check(gather_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, nil))
        }
    }

    private static func setBlob(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ bytes: [UInt8]?) -> CURLcode {
        guard let bytes else { return gather_easy_setopt_blob(handle, option, nil, 0) }
        return bytes.withUnsafeBytes { gather_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }
    }

    static let acceptEncoding = "gzip, br, zstd"

    private static let expectRemoval: [UInt8] = Array("Expect:".utf8) + [0]
    private static let contentTypeRemoval: [UInt8] = Array("Content-Type:".utf8) + [0]

    /// POSTFIELDS for an empty body: one static byte that outlives every transfer.
    // nonisolated(unsafe): written once here, then only read (libcurl reads the byte, never writes it).
    nonisolated(unsafe) private static let emptyBody: UnsafeMutableRawPointer = {
        let byte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        byte.storeBytes(of: 0, as: UInt8.self)
        return byte
    }()
}
