import GatherCore

/// What one upstream's report says about the cache: how it was served, and for a stale fill
/// how old the answer was and what the live attempt ran into.
struct CacheNote {
    var result: CacheResult
    var ageMilliseconds: Double?
    var error: String?

    func apply(to report: inout UpstreamReport) {
        report.cache = result
        if result == .hit {
            // Nothing was sent.
            report.attempts = 0
            report.wonBy = nil
        }
        report.ageMilliseconds = ageMilliseconds
        if let error { report.error = error }
    }
}
