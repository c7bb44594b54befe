import GatherCore

/// The one-line description `gather check` prints for a route.
enum RouteSummary {
    static func line(for route: Route) -> String {
        let deadline = Int(route.deadline.milliseconds.rounded())
        let hedged = route.upstreams.filter { $0.hedge != nil }.count
        var line = "\(route.name): \(route.method) \(route.path.source) -> \(route.upstreams.count) upstreams, "
            + "complete \(route.complete.rawValue)"
        if let quorum = route.quorumCount { line += " \(quorum)" }
        line += ", deadline \(deadline)ms"
        if route.complete != .first { line += ", merge \(route.merge.mode.rawValue)" }
        if hedged > 0 { line += ", \(hedged) hedged" }
        return line
    }
}
