extension JSONDocument {
    /// Bytes the document's storage takes: its text and its tape, by capacity (what keeping it
    /// in a cache costs; a body read in chunks usually has spare capacity).
    public var footprint: Int {
        bytes.capacity + tape.capacity * MemoryLayout<Entry>.stride
    }

    /// The same document in storage of exactly its size, for keeping it long (a cache entry).
    public func compacted() -> JSONDocument {
        JSONDocument(bytes: Self.exact(bytes), tape: Self.exact(tape))
    }

    /// Whether two documents share their text's storage (`map:` builds a document of its own).
    func sharesBytes(with other: JSONDocument) -> Bool {
        bytes.withUnsafeBufferPointer { mine in
            other.bytes.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress && mine.count == theirs.count }
        }
    }

    private init(bytes: [UInt8], tape: [Entry]) {
        self.bytes = bytes
        self.tape = tape
    }

    private static func exact<Element>(_ array: [Element]) -> [Element] {
        guard array.capacity > array.count else { return array }
        return [Element](unsafeUninitializedCapacity: array.count) { buffer, initialized in
            _ = buffer.initialize(from: array)
            initialized = array.count
        }
    }
}

extension UpstreamAnswer {
    /// Bytes held: the body, the document `map:` built (when not the body), the item positions.
    public var footprint: Int {
        var total = body.footprint + items.capacity * MemoryLayout<Int>.stride
        if !itemsDocument.sharesBytes(with: body) { total += itemsDocument.footprint }
        return total
    }

    /// The answer in storage of exactly its size (see `JSONDocument.compacted`).
    public func compacted() -> UpstreamAnswer {
        let compactBody = body.compacted()
        let compactItems = itemsDocument.sharesBytes(with: body) ? compactBody : itemsDocument.compacted()
        return UpstreamAnswer(body: compactBody, itemsDocument: compactItems, items: Array(items[...]), value: value)
    }
}
