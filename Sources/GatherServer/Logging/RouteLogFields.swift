import GatherCore
import Logging

/// What the startup and reload lines say about the loaded routes: counts and names, short
/// enough for one line (a 200-shard route lists its first names and how many more).
public enum RouteLogFields {
    public static let maxNames = 10

    public static func summary(_ routes: [Route]) -> Logger.Metadata {
        [
            "count": "\(routes.count)",
            "routes": "\(names(routes.map(\.name)))",
            "upstreams": "\(routes.reduce(0) { $0 + $1.upstreams.count })",
        ]
    }

    public static func route(_ route: Route) -> Logger.Metadata {
        var fields: Logger.Metadata = [
            "route": "\(route.name)",
            "match": "\(route.method) \(route.path.source)",
            "complete": "\(route.complete.rawValue)",
            "deadline_ms": "\(Int(route.deadline.milliseconds.rounded()))",
            "upstreams": "\(names(route.upstreams.map(\.name)))",
        ]
        if route.complete != .first { fields["merge"] = "\(route.merge.mode.rawValue)" }
        return fields
    }

    /// Route names that appeared and disappeared with a reload.
    public static func changes(from old: [Route], to new: [Route]) -> Logger.Metadata {
        let before = Set(old.map(\.name))
        let after = Set(new.map(\.name))
        var fields: Logger.Metadata = [:]
        let added = new.map(\.name).filter { !before.contains($0) }
        let removed = old.map(\.name).filter { !after.contains($0) }
        if !added.isEmpty { fields["added"] = "\(names(added))" }
        if !removed.isEmpty { fields["removed"] = "\(names(removed))" }
        return fields
    }

    public static func names(_ all: [String]) -> String {
        guard all.count > maxNames else { return all.joined(separator: ",") }
        return all.prefix(maxNames).joined(separator: ",") + ",…(+\(all.count - maxNames))"
    }
}
