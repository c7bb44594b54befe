@testable import GatherCore

/// A deliberately plain model of `fuse`, written from the contract text rather than from
/// `FuseMerge`, to check it against: dictionaries keyed by strings, one pass per rule.
///
/// Contract: rrf = Σ weight/(k + rank), rank from 1 in each upstream's list after its own
/// duplicates are dropped; combsum/combmnz/max use the score min-max normalised per upstream
/// (combmnz multiplies the sum by the number of lists holding the item); sort by fused score
/// descending, ties by first appearance in route order; the kept item is its first appearance.
/// Design choices taken from FuseMerge's documentation (the contract is silent): min = max
/// normalises to 1, an item without a numeric score gets 0 (min/max over the scores present),
/// items without an identity are never fused.
struct FusionReference {
    struct Entry {
        /// The tag of the kept item (its first appearance), which identifies it in the output.
        var tag: String
        var score: Double
        var sources: [String]
    }

    /// One upstream's list as the model sees it: identity (nil: never fused), tag, raw score.
    struct Item {
        var identity: String?
        var tag: String
        var score: Double?
    }

    struct Upstream {
        var name: String
        var weight: Double
        var items: [Item]
    }

    var method: FusionSpec.Method
    var k: Double

    func fuse(_ upstreams: [Upstream]) -> [Entry] {
        var sum: [String: Double] = [:]
        var best: [String: Double] = [:]
        var lists: [String: Int] = [:]
        var firstSeen: [String: Int] = [:]
        var keptTag: [String: String] = [:]
        var sources: [String: [String]] = [:]
        var arrival = 0

        for upstream in upstreams {
            // The upstream's own duplicates go first; rank counts what is left.
            var seenHere = Set<String>()
            var list: [(id: String, item: Item)] = []
            for item in upstream.items {
                if let identity = item.identity {
                    if seenHere.contains(identity) { continue }
                    seenHere.insert(identity)
                    list.append(("id:" + identity, item))
                } else {
                    list.append(("tag:" + item.tag, item))
                }
            }
            let present = list.compactMap { $0.item.score }
            let low = present.min() ?? 0
            let high = present.max() ?? 0

            for (offset, entry) in list.enumerated() {
                let contribution: Double
                if method == .rrf {
                    let rank = Double(offset + 1)
                    contribution = upstream.weight / (k + rank)
                } else if let raw = entry.item.score {
                    let normalised = high == low ? 1.0 : (raw - low) / (high - low)
                    contribution = upstream.weight * normalised
                } else {
                    contribution = 0
                }
                if firstSeen[entry.id] == nil {
                    firstSeen[entry.id] = arrival
                    keptTag[entry.id] = entry.item.tag
                }
                arrival += 1
                sum[entry.id, default: 0] += contribution
                best[entry.id] = max(best[entry.id] ?? -Double.infinity, contribution)
                lists[entry.id, default: 0] += 1
                sources[entry.id, default: []].append(upstream.name)
            }
        }

        var entries: [(first: Int, entry: Entry)] = []
        for (id, first) in firstSeen {
            let fused: Double
            switch method {
            case .rrf, .combsum: fused = sum[id]!
            case .combmnz: fused = sum[id]! * Double(lists[id]!)
            case .max: fused = best[id]!
            }
            entries.append((first, Entry(tag: keptTag[id]!, score: fused, sources: sources[id]!)))
        }
        entries.sort { left, right in
            if left.entry.score != right.entry.score { return left.entry.score > right.entry.score }
            return left.first < right.first
        }
        return entries.map(\.entry)
    }
}
