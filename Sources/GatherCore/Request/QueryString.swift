/// Splits a request target's query into decoded name/value pairs.
/// `+` means space (HTML forms), `%XX` is decoded; invalid escapes are kept literally
/// so that a hostile query can never fail the whole request.
public enum QueryString {
    /// First value per name wins, as most web frameworks do for scalar lookups.
    public static func parse(_ query: Substring) -> [String: String] {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusIsSpace: true)
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusIsSpace: true) : ""
            if values[name] == nil { values[name] = value }
        }
        return values
    }
}
