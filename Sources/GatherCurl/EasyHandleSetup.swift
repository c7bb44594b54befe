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
        check(gather_easy_setopt_long(handle, CURLOPT_HTTP_VERSION, gather_http_version_1_1))
        // An empty proxy disables proxies, including the environment's http_proxy.
        check(gather_easy_setopt_str(handle, CURLOPT_PROXY, ""))
        // Bytes pass through as the upstream sent them.
        check(gather_easy_setopt_long(handle, CURLOPT_HTTP_CONTENT_DECODING, 0))
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
        let timeout = min(max(request.timeoutMilliseconds, 1), longestTimeoutMilliseconds)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        check(request.url.withCString { gather_easy_setopt_str(handle, CURLOPT_URL, $0) })
        check(gather_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeout))
        check(gather_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeout, connectTimeoutCapMilliseconds)))
        check(gather_easy_setopt_ptr(handle, CURLOPT_PRIVATE, userdata))
        check(gather_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, userdata))
        check(gather_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, userdata))
        if let problem = buildHeaderList(for: transfer, sendsBody: sendsBody, scratch: &scratch) {
            return problem
        }
        check(gather_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, transfer.headerList))
        if let problem = errors.problem(on: easy) { return problem }
        transfer.isPlainGet = plainGet
        return nil
    }

    private static func buildHeaderList(for transfer: Transfer, sendsBody: Bool, scratch: inout [UInt8]) -> String? {
        var hasContentType = false
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
                }
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

    private static let expectRemoval: [UInt8] = Array("Expect:".utf8) + [0]
    private static let contentTypeRemoval: [UInt8] = Array("Content-Type:".utf8) + [0]

    /// POSTFIELDS for an empty body: one static byte that outlives every transfer.
    private static let emptyBody: UnsafeMutableRawPointer = {
        let byte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        byte.storeBytes(of: 0, as: UInt8.self)
        return byte
    }()
}
