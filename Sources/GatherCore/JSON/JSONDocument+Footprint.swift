extension JSONDocument {
    /// Bytes the document holds: its text and its tape (what a cache entry of it costs).
    public var footprint: Int {
        bytes.count + tape.count * MemoryLayout<Entry>.stride
    }
}

extension UpstreamAnswer {
    /// Bytes held: the body, the document `map:` built (when not the body), the item positions.
    public var footprint: Int {
        var total = body.footprint + items.count * MemoryLayout<Int>.stride
        if itemsDocument.bytes.count != body.bytes.count || itemsDocument.footprint != body.footprint {
            total += itemsDocument.footprint
        }
        return total
    }
}
