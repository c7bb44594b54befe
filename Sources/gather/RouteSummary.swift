import GatherCore

/// The one-line description `gather check` prints for a route.
enum RouteSummary {
    static func line(for route: Route) -> String {
        let deadline = Int(route.deadline.milliseconds.rounded())
        let hedged = route.upstreams.filter { $0.hedge != nil }.count
        let count = route.upstreams.count
        var line = "\(route.name): \(route.method) \(route.path.source) -> \(count) upstream\(count == 1 ? "" : "s"), "
            + "complete \(route.complete.rawValue)"
        if route.complete == .quorum, let quorum = route.quorumCount { line += " \(quorum) of \(count)" }
        line += ", deadline \(deadline)ms"
        if route.complete != .first { line += ", merge \(route.merge.mode.rawValue)" }
        if route.merge.mode == .vote, let needed = route.quorumCount { line += " (\(needed) of \(count) must agree)" }
        if hedged > 0 { line += ", \(hedged) hedged" }
        let depth = route.stageDepth
        if depth > 1 { line += ", \(depth) stages" }
        let maps = route.upstreams.filter { $0.stage.each != nil }.map(\.name)
        if !maps.isEmpty { line += ", map\(maps.count == 1 ? "" : "s") \(maps.joined(separator: ", "))" }
        return line
    }
}
