/// The last steps every list merge shares: `limit`, then `_score` / `_sources` on the items
/// that remain (stamping after the limit does the same work for fewer items).
enum ListFinishing {
    static func finish(_ merged: [MergedItem], limit: Int?, provenance: Bool,
                       contributions: [UpstreamContribution]) -> [JSONValue] {
        let kept = limit.map { merged.prefix(max(0, $0)) } ?? merged[...]
        // Most items have one source: share one `["name"]` array per upstream between them.
        let singleSources: [JSONValue] = provenance ? contributions.map { .array([.string($0.name)]) } : []
        var items: [JSONValue] = []
        items.reserveCapacity(kept.count)
        for entry in kept {
            items.append(stamped(entry, provenance: provenance, contributions: contributions, singleSources: singleSources))
        }
        return items
    }

    /// Items that are not objects have nowhere to hold the fields and are kept as they are.
    /// Fields already present (say, from an upstream that is itself a gateway) are replaced.
    private static func stamped(_ entry: MergedItem, provenance: Bool, contributions: [UpstreamContribution],
                                singleSources: [JSONValue]) -> JSONValue {
        guard entry.score != nil || provenance, case .object(var object) = entry.item else { return entry.item }
        if let score = entry.score {
            object["_score"] = .double(score)
        }
        if provenance {
            object["_sources"] = entry.sources.count == 1
                ? singleSources[entry.sources[0]]
                : .array(entry.sources.map { .string(contributions[$0].name) })
        }
        return .object(object)
    }
}
