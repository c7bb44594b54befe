/// An item that survived dedupe, with every upstream (route index, ascending, no repeats) that
/// sent an item with the same key.
struct MergedItem {
    var item: JSONValue
    var sources: [Int]
    var score: Double?

    init(item: JSONValue, source: Int, score: Double? = nil) {
        self.item = item
        self.sources = [source]
        self.score = score
    }

    /// Records another upstream holding this item, keeping route order; the lists are a few
    /// upstreams long, so a linear insert beats a set.
    mutating func addSource(_ upstream: Int) {
        var position = sources.count
        while position > 0 && sources[position - 1] > upstream { position -= 1 }
        if position > 0 && sources[position - 1] == upstream { return }
        sources.insert(upstream, at: position)
    }
}
