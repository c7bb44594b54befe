/// Whether a client's `Accept-Encoding` takes a coding (RFC 9110 §12.5.3): gzip for the gateway's
/// own answers, gzip, br or zstd for a `complete: first` winner passed on encoded.
public enum AcceptEncoding {
    /// `values`: the header's comma-separated members, each `coding[;q=N]` (as
    /// `HTTPHeaders[canonicalForm:]` gives them). `gzip` or `x-gzip` with a q above 0 accepts gzip,
    /// and so does `*` with a q above 0 when gzip is not named; `gzip;q=0` refuses it whatever
    /// else is listed. A q that does not parse counts as 0 (refusal is the safe reading).
    public static func acceptsGzip<S: StringProtocol>(_ values: [S]) -> Bool {
        accepts("gzip", values)
    }

    /// The codings gather asks upstreams for, in its order of preference.
    public static let upstreamCodings = ["gzip", "br", "zstd"]

    /// Of `upstreamCodings`, those the client accepts: what a `complete: first` winner may be
    /// passed on in, still encoded.
    public static func acceptedUpstreamCodings<S: StringProtocol>(_ values: [S]) -> [String] {
        upstreamCodings.filter { accepts($0, values) }
    }

    /// Whether the client accepts `coding` (lower case): named with a q above 0, or `*` with a
    /// q above 0 when the coding is not named; `x-gzip` is `gzip`.
    public static func accepts<S: StringProtocol>(_ coding: String, _ values: [S]) -> Bool {
        var named: Bool?
        var any: Bool?
        for value in values {
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            var listed = parts[0].trimmingWhitespace().lowercased()
            if listed == "x-gzip" { listed = "gzip" }
            var accepted = true
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair[0].trimmingWhitespace().lowercased() == "q" else { continue }
                let quality = pair.count == 2 ? Double(pair[1].trimmingWhitespace()) : nil
                accepted = (quality ?? 0) > 0 && (quality ?? 0) <= 1
            }
            if listed == coding {
                // A refusal wins over an acceptance of the same coding (`gzip, x-gzip;q=0`).
                named = (named ?? true) && accepted
            } else if listed == "*" {
                any = accepted
            }
        }
        return named ?? any ?? false
    }
}

private extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
