import GatherCore

/// The envelope of a route with maps: a map's ok calls are joined in item order into one
/// contribution under the map's name (or attached to their items, which then stand in for the
/// source's own), and the report lists each call as `NAME[i]` in the map's place.
extension AnswerBuilder {
    /// Contributions in route order, and the route upstream each one is.
    func contributions() -> (contributions: [UpstreamContribution], contributors: [Int]) {
        let route = runtime.route
        var contributions: [UpstreamContribution] = []
        var contributors: [Int] = []
        contributions.reserveCapacity(route.upstreams.count)
        // Which map attaches to which source upstream (by route index).
        var attaching: [Int: Int] = [:]
        for (index, spec) in route.upstreams.enumerated() {
            if let each = spec.stage.each, each.attach != nil, case .upstream(let name) = each.from,
               let source = route.upstreams.firstIndex(where: { $0.name == name }) {
                attaching[source] = index
            }
        }
        for (index, spec) in route.upstreams.enumerated() {
            let outcome = outcomes[index]
            if let each = spec.stage.each {
                guard each.attach == nil || each.from == .body else { continue }  // goes into its source's items
                guard let answer = mapAnswer(index, each) else { continue }
                contributions.append(UpstreamContribution(name: spec.name, answer: answer, weight: spec.weight,
                                                          group: spec.group))
                contributors.append(index)
                continue
            }
            guard outcome.status == .ok, case .indexed(var answer)? = slots[index].payload else { continue }
            if let map = attaching[index], let each = route.upstreams[map].stage.each,
               let enriched = mapAnswer(map, each) {
                answer.itemsDocument = enriched.itemsDocument
                answer.items = enriched.items
            }
            contributions.append(UpstreamContribution(name: spec.name, answer: answer, weight: spec.weight, group: spec.group))
            contributors.append(index)
        }
        return (contributions, contributors)
    }

    /// A map's calls joined (or attached to their items); nil when the map never got its items.
    private func mapAnswer(_ index: Int, _ each: MapSpec) -> UpstreamAnswer? {
        let outcome = outcomes[index]
        if let key = each.attach {
            guard let source = maps.sources[index] else { return nil }
            let calls = outcome.calls ?? 0..<0
            let answers: [(document: JSONDocument, value: Int)?] = calls.map { entry in
                guard outcomes[entry].status == .ok, case .indexed(let answer)? = slots[entry].payload else { return nil }
                return (answer.body, answer.value ?? JSONDocument.root)
            }
            return MapJoin.attach(source.document, items: source.items, answers: answers, key: key)
        }
        if outcome.status == .ok && outcome.calls == nil { return MapJoin.concatenate([]) }  // an empty map
        guard let calls = outcome.calls else { return nil }
        let parts: [(document: JSONDocument, items: [Int])] = calls.compactMap { entry in
            guard outcomes[entry].status == .ok, case .indexed(let answer)? = slots[entry].payload else { return nil }
            return (answer.itemsDocument, answer.items)
        }
        return MapJoin.concatenate(parts)
    }

    /// Entries in route order, a map's calls in its place; `counts` per route upstream.
    func entryReports(counts: [Int?]?) -> [UpstreamReport] {
        let route = runtime.route
        var reports: [UpstreamReport] = []
        reports.reserveCapacity(outcomes.count)
        for index in route.upstreams.indices {
            guard let calls = outcomes[index].calls else {
                reports.append(UpstreamReports.report(runtime: runtime, index: index, outcome: outcomes[index],
                                                      count: counts?[index], detail: slots[index].detail))
                continue
            }
            let name = route.upstreams[index].name
            let attaches = route.upstreams[index].stage.each?.attach != nil
            if calls.count > MapCallSummary.foldAbove {
                reports.append(folded(name: name, route: index, calls: calls, attaches: attaches))
                continue
            }
            for (call, entry) in calls.enumerated() {
                var count: Int?
                if !attaches, case .indexed(let answer)? = slots[entry].payload { count = answer.items.count }
                reports.append(UpstreamReports.report(runtime: runtime, index: index, outcome: outcomes[entry], count: count,
                                                      detail: slots[entry].detail, name: "\(name)[\(call)]"))
            }
        }
        return reports
    }

    /// One report for a large map: the first failed call's status (else ok), the slowest call's
    /// ms, every call's attempts, the items of the ok ones, and the `MapCallSummary`.
    private func folded(name: String, route index: Int, calls: Range<Int>, attaches: Bool) -> UpstreamReport {
        let statuses = calls.map { outcomes[$0].status ?? .cancelled }
        let summary = MapCallSummary(statuses: statuses)
        let firstFailure = summary.failed.first.map { calls.lowerBound + $0 }
        var report = UpstreamReport(name: name, status: firstFailure.flatMap { outcomes[$0].status } ?? .ok,
                                    ms: calls.map { Double(outcomes[$0].finishedAt ?? 0) / 1_000_000 }.max() ?? 0,
                                    attempts: calls.reduce(0) { $0 + outcomes[$1].attempts },
                                    hedged: calls.contains { outcomes[$0].hedged })
        if report.status == .ok && statuses.allSatisfy({ $0 == .cancelled }) { report.status = .cancelled }
        if !attaches {
            report.count = calls.reduce(0) { total, entry in
                guard case .indexed(let answer)? = slots[entry].payload, outcomes[entry].status == .ok else { return total }
                return total + answer.items.count
            }
        }
        if let firstFailure {
            report.error = "\(name)[\(firstFailure - calls.lowerBound)]: " + (slots[firstFailure].detail ?? statuses[firstFailure - calls.lowerBound].rawValue)
        }
        report.calls = summary
        return report
    }
}
