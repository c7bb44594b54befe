/// Whether a client's `Accept-Encoding` lets the gateway answer in gzip (RFC 9110 §12.5.3).
public enum AcceptEncoding {
    /// `values`: the header's comma-separated members, each `coding[;q=N]` (as
    /// `HTTPHeaders[canonicalForm:]` gives them). `gzip` or `x-gzip` with a q above 0 accepts gzip,
    /// and so does `*` with a q above 0 when gzip is not named; `gzip;q=0` refuses it whatever
    /// else is listed. A q that does not parse counts as 0 (refusal is the safe reading).
    public static func acceptsGzip<S: StringProtocol>(_ values: [S]) -> Bool {
        var gzip: Bool?
        var any: Bool?
        for value in values {
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            let coding = parts[0].trimmingWhitespace().lowercased()
            var accepted = true
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair[0].trimmingWhitespace().lowercased() == "q" else { continue }
                let quality = pair.count == 2 ? Double(pair[1].trimmingWhitespace()) : nil
                accepted = (quality ?? 0) > 0 && (quality ?? 0) <= 1
            }
            if coding == "gzip" || coding == "x-gzip" {
                // A refusal wins over an acceptance of the same coding (`gzip, x-gzip;q=0`).
                gzip = (gzip ?? true) && accepted
            } else if coding == "*" {
                any = accepted
            }
        }
        return gzip ?? any ?? false
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
