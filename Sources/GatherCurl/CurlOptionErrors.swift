import CCurl

/// The first option libcurl refused while an easy handle is being set up. Every option is still
/// tried (setting one never depends on another having taken), and the first refusal is the one
/// worth reporting.
struct CurlOptionErrors {
    private var first: CURLcode?

    mutating func check(_ code: CURLcode) {
        if code != CURLE_OK, first == nil { first = code }
    }

    /// Why the request cannot be sent, or nil when every option took.
    func problem(on easy: PooledEasyHandle) -> String? {
        first.map { "libcurl refused an option: " + easy.errorText(for: $0) }
    }
}
