/// The merged list of a list mode, ready to be written: each item is the bytes its upstream
/// sent, with gather's own members (`_score`, `_sources`) spliced in before its closing brace.
///
/// Items that are not objects have nowhere to hold the members and are written as they are.
/// Members of those names already in an item (say, from an upstream that is itself a gateway)
/// are replaced: the item is then written member by member without them.
public struct MergedList: Sendable {
    var entries: [MergedItem]
    var sources: SourceSets
    public var provenance: Bool
    public var contributions: [UpstreamContribution]

    public static let empty = MergedList(entries: [], sources: .empty, provenance: false, contributions: [])

    public var count: Int { entries.count }

    /// `[item,…]`. Every item, comma and tail is copied into room reserved once for the list
    /// (its size bounded in a first pass), so the `ByteBuffer` is called a few times a list
    /// rather than a few times an item.
    public func write(into writer: inout JSONWriter) {
        guard !entries.isEmpty else {
            writer.writeRaw("[]")
            return
        }
        let names = QuotedNames(contributions)
        var bound = 2
        for position in entries.indices { bound += itemBound(position, names: names) + 1 }
        writer.withRawOutput(maximumCount: bound) { output in
            output.append(UInt8(ascii: "["))
            for position in entries.indices {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeItem(position, names: names, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    public func writeItem(_ position: Int, into writer: inout JSONWriter) {
        let names = QuotedNames(contributions)
        writer.withRawOutput(maximumCount: itemBound(position, names: names)) { output in
            writeItem(position, names: names, into: &output)
        }
    }

    /// The upstream names as JSON strings, escaped once per answer rather than once per item,
    /// and per upstream the tail of an item it alone sent: `"_sources":["alpha"]}`.
    struct QuotedNames {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var soleSourceTails: [Range<Int>] = []
        /// The longest `"_sources":[…]}` tail an item from several upstreams can have.
        var sharedTailBound = 0

        init(_ contributions: [UpstreamContribution]) {
            var writer = JSONWriter(reservingCapacity: contributions.count * 48)
            ranges.reserveCapacity(contributions.count)
            soleSourceTails.reserveCapacity(contributions.count)
            for contribution in contributions {
                let start = writer.count
                writer.writeString(contribution.name)
                ranges.append(start..<writer.count)
            }
            // `"_sources":[` and `]}` around every name, commas between.
            sharedTailBound = 14 + writer.count + contributions.count
            for contribution in contributions {
                let start = writer.count
                writer.writeRaw("\"_sources\":[")
                writer.writeString(contribution.name)
                writer.writeRaw("]}")
                soleSourceTails.append(start..<writer.count)
            }
            bytes = writer.bytes
        }
    }

    /// The most bytes `writeItem` writes for the entry at `position`: the item's own bytes
    /// (what is copied of them is never longer), then at most a comma, `"_score":` and a
    /// number, and the `_sources` tail with its closing brace.
    private func itemBound(_ position: Int, names: QuotedNames) -> Int {
        let entry = entries[position]
        var bound = contributions[entry.contribution].answer.itemsDocument.range(entry.item).count + 2
        if entry.score != nil { bound += 9 + JSONWriter.maximumDoubleLength + 1 }  // `"_score":`, the number, a comma
        if provenance {
            if let only = sources.single(entry.sources) {
                bound += names.soleSourceTails[only].count
            } else {
                bound += names.sharedTailBound
            }
        }
        return bound
    }

    private func writeItem(_ position: Int, names: QuotedNames, into output: inout JSONWriter.RawOutput) {
        let entry = entries[position]
        let document = contributions[entry.contribution].itemsDocument
        let item = entry.item
        guard entry.score != nil || provenance, document.kind(item) == .object else {
            document.forEachCompactRun(of: item) { output.append($0) }
            return
        }
        let range = document.range(item)
        let scored = entry.score != nil
        if !document.hasWhitespace(item) && !holdsOwnMembers(document, item, scored: scored) {
            // The usual item: one copy up to (not including) its closing brace.
            document.bytes.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[range.lowerBound..<(range.upperBound - 1)])) }
            if document.count(item) > 0 { output.append(UInt8(ascii: ",")) }
        } else {
            output.append(UInt8(ascii: "{"))
            var key = item + 1
            while key < document.next(item) {
                if !isOwnMember(document, key, scored: scored) {
                    document.forEachCompactRun(of: key) { output.append($0) }
                    output.append(UInt8(ascii: ":"))
                    document.forEachCompactRun(of: key + 1) { output.append($0) }
                    output.append(UInt8(ascii: ","))
                }
                key = document.next(key + 1)
            }
        }
        var wroteMember = false
        if let score = entry.score {
            output.append("\"_score\":")
            output.appendDouble(score)
            wroteMember = true
        }
        if provenance {
            if wroteMember { output.append(UInt8(ascii: ",")) }
            if let only = sources.single(entry.sources) {
                // The usual item, from one upstream: its whole tail in one copy.
                names.bytes.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[names.soleSourceTails[only]])) }
                return
            }
            output.append("\"_sources\":[")
            var first = true
            names.bytes.withUnsafeBytes { quoted in
                sources.forEach(entry.sources) { source in
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    output.append(UnsafeRawBufferPointer(rebasing: quoted[names.ranges[source]]))
                }
            }
            output.append(UInt8(ascii: "]"))
        }
        output.append(UInt8(ascii: "}"))
    }

    /// The items as trees; for tests and messages.
    public var values: [JSONValue] {
        var writer = JSONWriter()
        write(into: &writer)
        return (try? JSONParser.parse(writer.bytes))?.arrayValue ?? []
    }

    /// Where each item came from: (contribution index, position in its items document); for
    /// the fuzz harness, which checks each written item against its upstream's bytes.
    public var positions: [(contribution: Int, item: Int)] {
        entries.map { ($0.contribution, $0.item) }
    }

    private func holdsOwnMembers(_ document: JSONDocument, _ item: Int, scored: Bool) -> Bool {
        var key = item + 1
        while key < document.next(item) {
            if isOwnMember(document, key, scored: scored) { return true }
            key = document.next(key + 1)
        }
        return false
    }

    /// Whether `key` names a member this list writes itself (`_score` when the item is scored,
    /// `_sources` with provenance).
    private func isOwnMember(_ document: JSONDocument, _ key: Int, scored: Bool) -> Bool {
        // The raw length (quotes included) is the quick no for nearly every key.
        let length = document.range(key).count
        let escaped = document.hasEscapes(key)
        if scored, length == 8 || escaped, document.stringEquals(key, Self.scoreName) { return true }
        if provenance, length == 10 || escaped, document.stringEquals(key, Self.sourcesName) { return true }
        return false
    }

    private static let scoreName = Array("_score".utf8)
    private static let sourcesName = Array("_sources".utf8)
}
