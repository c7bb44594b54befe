@testable import GatherCore

/// A plain model of `sort`, written from the contract text to check SortMerge against:
/// numbers numerically, strings by code point, items missing the field last (in either
/// order); ties keep route order then rank; dedupe keeps the item that sorts first.
/// SortMerge's own choice where the contract is silent: a number sorts below any string
/// (so `desc` puts strings first), and null, bools, arrays and objects count as missing.
struct SortReference {
    struct Item {
        var tag: String
        var key: String?
        var value: JSONValue?
    }

    struct Entry: Equatable {
        var tag: String
        var sources: [Int]
    }

    var descending: Bool

    func sort(_ upstreams: [[Item]]) -> [Entry] {
        var all: [(upstream: Int, item: Item)] = []
        for (upstream, items) in upstreams.enumerated() {
            for item in items { all.append((upstream, item)) }
        }
        // `all` is in route order then rank; Swift's sort is not guaranteed stable, so the
        // position breaks ties explicitly.
        let order = all.indices.sorted { left, right in
            let comparison = compare(all[left].item.value, all[right].item.value)
            return comparison != 0 ? comparison < 0 : left < right
        }
        var entries: [Entry] = []
        var entryByKey: [String: Int] = [:]
        for index in order {
            let (upstream, item) = all[index]
            if let key = item.key, let existing = entryByKey[key] {
                if !entries[existing].sources.contains(upstream) {
                    entries[existing].sources = (entries[existing].sources + [upstream]).sorted()
                }
                continue
            }
            if let key = item.key { entryByKey[key] = entries.count }
            entries.append(Entry(tag: item.tag, sources: [upstream]))
        }
        return entries
    }

    /// -1, 0, 1 in the output order.
    private func compare(_ left: JSONValue?, _ right: JSONValue?) -> Int {
        let leftClass = kind(left), rightClass = kind(right)
        if leftClass == 2 || rightClass == 2 { return leftClass == rightClass ? 0 : (leftClass == 2 ? 1 : -1) }
        var ascending: Int
        if leftClass != rightClass {
            ascending = leftClass < rightClass ? -1 : 1
        } else if leftClass == 0 {
            let a = left?.numberValue ?? 0, b = right?.numberValue ?? 0
            ascending = a < b ? -1 : (a > b ? 1 : 0)
        } else {
            let a = Array((left?.stringValue ?? "").unicodeScalars.map(\.value))
            let b = Array((right?.stringValue ?? "").unicodeScalars.map(\.value))
            ascending = a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        }
        return descending ? -ascending : ascending
    }

    /// 0 number, 1 string, 2 missing.
    private func kind(_ value: JSONValue?) -> Int {
        switch value {
        case .int?, .double?: return 0
        case .string?: return 1
        default: return 2
        }
    }
}
