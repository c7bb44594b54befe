import GatherCore

/// One upstream's line in the envelope (and in a progressive `upstream` event).
enum UpstreamReports {
    static func report(runtime: RouteRuntime, index: Int, outcome: UpstreamOutcome, count: Int?,
                       detail: String?, name: String? = nil) -> UpstreamReport {
        let status = outcome.status ?? .cancelled
        var detail = detail
        if detail == nil, let need = outcome.blockedBy {
            // Not sent: a need ended otherwise than ok.
            detail = "needs \(runtime.route.upstreams[need].name): \(outcome.blockedStatus?.rawValue ?? "not ok")"
        }
        return UpstreamReport(
            name: name ?? runtime.route.upstreams[index].name,
            status: status,
            httpStatus: outcome.httpStatus,
            ms: Double(outcome.finishedAt ?? 0) / 1_000_000,
            attempts: outcome.attempts,
            hedged: outcome.hedged,
            wonBy: outcome.wonBy,
            count: status == .ok ? count : nil,
            error: status == .ok || status == .cancelled ? nil : detail)
    }
}
