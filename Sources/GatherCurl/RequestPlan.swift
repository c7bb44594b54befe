/// How a request's method and body map onto libcurl options.
struct RequestPlan: Equatable {
    enum Verb: Equatable {
        /// CURLOPT_HTTPGET.
        case get
        /// CURLOPT_NOBODY: HEAD, no body expected.
        case head
        /// CURLOPT_POST with the body as POSTFIELDS.
        case post
        /// CURLOPT_CUSTOMREQUEST with the method name (PUT, PATCH, DELETE, OPTIONS, …).
        case custom
    }

    var verb: Verb
    /// Whether POSTFIELDS (possibly empty) are sent.
    var sendsBody: Bool

    /// Nil when the method is not an HTTP token (empty, spaces, CR/LF …).
    static func make(method: String, hasBody: Bool) -> RequestPlan? {
        switch method {
        case "GET":
            return RequestPlan(verb: .get, sendsBody: false)
        case "HEAD":
            return RequestPlan(verb: .head, sendsBody: false)
        case "POST":
            return RequestPlan(verb: .post, sendsBody: true)
        case "PUT", "PATCH":
            return RequestPlan(verb: .custom, sendsBody: true)
        default:
            guard RequestHeaderEncoder.isToken(method) else {
                return nil
            }
            return RequestPlan(verb: .custom, sendsBody: hasBody)
        }
    }
}
