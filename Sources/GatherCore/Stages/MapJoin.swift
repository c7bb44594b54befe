/// The byte work of maps: a batch's request body, a map's answers joined in item order, and
/// items enriched with the answer each one produced. Values are copied as bytes (compacted,
/// never re-encoded); the joined result is indexed once so that the merge reads it like any
/// upstream's answer.
public enum MapJoin {
    /// The calls of a map over `count` items, `size` items each (the last may hold fewer).
    public static func batches(count: Int, size: Int) -> [Range<Int>] {
        let size = max(1, size)
        return stride(from: 0, to: max(0, count), by: size).map { $0..<min(count, $0 + size) }
    }

    /// One call's body: the item itself (batch 1), else `[item, …]`, or `{"KEY":[item, …]}`.
    public static func body(_ document: JSONDocument, items: ArraySlice<Int>, batched: Bool, wrap: String?) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 * items.count + 16)
        if !batched, let only = items.first {
            writer.write(document, only)
            return writer.bytes
        }
        if let wrap {
            writer.writeByte(UInt8(ascii: "{"))
            writer.writeKey(wrap)
        }
        writer.writeByte(UInt8(ascii: "["))
        for (position, item) in items.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.write(document, item)
        }
        writer.writeByte(UInt8(ascii: "]"))
        if wrap != nil { writer.writeByte(UInt8(ascii: "}")) }
        return writer.bytes
    }

    /// The items of every part, in order, as one answer (a map's calls: items in, items out).
    public static func concatenate(_ parts: [(document: JSONDocument, items: [Int])]) -> UpstreamAnswer? {
        var writer = JSONWriter(reservingCapacity: parts.reduce(16) { $0 + $1.document.bytes.count })
        writer.writeByte(UInt8(ascii: "["))
        var first = true
        for part in parts {
            for item in part.items {
                if !first { writer.writeByte(UInt8(ascii: ",")) }
                first = false
                writer.write(part.document, item)
            }
        }
        writer.writeByte(UInt8(ascii: "]"))
        return indexed(writer.bytes)
    }

    /// `items` of `source`, each object with `"KEY": answer` added when its call brought one
    /// (an object item keeps every member; a member of that name is replaced); an item without
    /// an answer, or that is not an object, is kept as it was.
    public static func attach(_ source: JSONDocument, items: [Int], answers: [(document: JSONDocument, value: Int)?],
                              key: String) -> UpstreamAnswer? {
        var writer = JSONWriter(reservingCapacity: source.bytes.count + answers.count * 32 + 16)
        var keyWriter = JSONWriter()
        keyWriter.writeString(key)
        let keyBytes = keyWriter.bytes
        writer.writeByte(UInt8(ascii: "["))
        for (position, item) in items.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            guard position < answers.count, let answer = answers[position], source.kind(item) == .object else {
                writer.write(source, item)
                continue
            }
            writer.writeByte(UInt8(ascii: "{"))
            var wrote = false
            for member in source.members(of: item) where !source.stringEquals(member.key, Array(key.utf8)) {
                if wrote { writer.writeByte(UInt8(ascii: ",")) }
                wrote = true
                writer.write(source, member.key)
                writer.writeByte(UInt8(ascii: ":"))
                writer.write(source, member.value)
            }
            if wrote { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeRaw(keyBytes)
            writer.writeByte(UInt8(ascii: ":"))
            writer.write(answer.document, answer.value)
            writer.writeByte(UInt8(ascii: "}"))
        }
        writer.writeByte(UInt8(ascii: "]"))
        return indexed(writer.bytes)
    }

    private static func indexed(_ bytes: [UInt8]) -> UpstreamAnswer? {
        guard let document = try? JSONDocument(indexing: bytes) else { return nil }
        return UpstreamAnswer(body: document, items: document.elements(of: document.root))
    }
}
