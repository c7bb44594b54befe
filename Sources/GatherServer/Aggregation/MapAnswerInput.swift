import GatherCore

/// What the answer needs to know of a request's maps: which entry belongs to which upstream,
/// and where each map's items came from (for `attach`).
struct MapAnswerInput {
    var entryUpstream: [Int] = []
    var entryCall: [Int?] = []
    var sources: [Int: (document: JSONDocument, items: [Int])] = [:]

    /// One report per route upstream, for the metrics' per-upstream series: a map's calls (or
    /// its folded report) become one (the first failure's status, else ok; attempts summed; the
    /// slowest call's ms).
    func routeReports(_ reports: [UpstreamReport], route: Route) -> [UpstreamReport] {
        guard reports.count != route.upstreams.count || !entryCall.contains(where: { $0 != nil }) else { return reports }
        var indexByName: [String: Int] = [:]
        for (index, upstream) in route.upstreams.enumerated() { indexByName[upstream.name] = index }
        var folded: [UpstreamReport?] = Array(repeating: nil, count: route.upstreams.count)
        for report in reports {
            let base = report.name.firstIndex(of: "[").map { String(report.name[..<$0]) } ?? report.name
            guard let index = indexByName[base] else { continue }
            guard var existing = folded[index] else {
                var first = report
                first.name = base
                folded[index] = first
                continue
            }
            if !existing.status.makesPartial && report.status.makesPartial { existing.status = report.status }
            if existing.status == .cancelled && report.status == .ok { existing.status = .ok }
            existing.attempts += report.attempts
            existing.ms = max(existing.ms, report.ms)
            existing.hedged = existing.hedged || report.hedged
            folded[index] = existing
        }
        return folded.enumerated().map { index, report in
            report ?? UpstreamReport(name: route.upstreams[index].name, status: .cancelled, ms: 0, attempts: 0)
        }
    }
}
