/// The `data` of a whole-value mode: a value an upstream sent (written as its bytes), or the
/// objects and arrays an `object` merge built out of such values.
public enum MergedValue: Sendable {
    case null
    /// The value at `position` of contribution `contribution`'s body, as sent.
    case upstream(contribution: Int, position: Int)
    /// An object whose members came from more than one upstream.
    case object(ObjectNode)
    /// Arrays joined by `append`: the elements of each, in order.
    case concatenated([(contribution: Int, position: Int)])

    /// An object under construction: members in the order they first appeared, each key once.
    /// A small one finds its keys by a scan; past `tableThreshold` members a `ByteKeyTable` is
    /// built, so nested objects merged member by member allocate no table each.
    public struct ObjectNode: Sendable {
        var members: [(key: Key, value: MergedValue)] = []
        var keys: ByteKeyTable?
        /// Per member, the merge pass that last set it: a key seen again in the same pass is a
        /// repeat inside one upstream object, and the first occurrence stays.
        var touched: [Int] = []
        var passes = 0

        static let tableThreshold = 16

        /// The member for `name` (UTF-8 content), or nil after making room for a new one at
        /// the end (the caller appends it).
        mutating func member(named name: UnsafeRawBufferPointer, in contributions: [UpstreamContribution]) -> Int? {
            if keys == nil {
                // Keys read in place: an element read from the array is a copy of the whole
                // member, key and value, made and destroyed through the runtime's generic
                // tuple witnesses.
                let found = members.withUnsafeBufferPointer { members in
                    members.indices.first { members[$0].key.equals(name, in: contributions) }
                }
                if let found { return found }
                guard members.count + 1 > Self.tableThreshold else { return nil }
                var table = ByteKeyTable(capacity: members.count * 2, averageKeyLength: 16)
                members.withUnsafeBufferPointer { members in
                    for position in members.indices {
                        members[position].key.withContent(in: contributions) { _ = table.position(of: $0, recordingIfNew: position) }
                    }
                }
                keys = table
            }
            return keys!.position(of: name, recordingIfNew: members.count)
        }
    }

    /// A member name: as an upstream wrote it (escapes kept), or gather's own (`group`).
    ///
    /// Documents are read through `answer.body`, a stored path: the computed
    /// `UpstreamContribution.body` hands back a copy, retaining and releasing its arrays at every
    /// key compared.
    public enum Key: Sendable {
        case upstream(contribution: Int, position: Int)
        case name(String)

        func withContent<R>(in contributions: [UpstreamContribution], _ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case .upstream(let contribution, let position):
                return contributions[contribution].answer.body.withStringContent(position, body)
            case .name(let name):
                var name = name
                return name.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            }
        }

        func equals(_ content: UnsafeRawBufferPointer, in contributions: [UpstreamContribution]) -> Bool {
            switch self {
            case .upstream(let contribution, let position):
                return contributions[contribution].answer.body.stringEquals(position, content)
            case .name:
                return withContent(in: contributions) { $0.elementsEqual(content) }
            }
        }
    }

    /// Writes the value into room reserved once for all of it (its size bounded in a first
    /// pass), so that a merged object's members, keys and commas do not each call the
    /// `ByteBuffer`.
    public func write(into writer: inout JSONWriter, contributions: [UpstreamContribution]) {
        writer.withRawOutput(maximumCount: bound(contributions)) { output in
            write(into: &output, contributions: contributions)
        }
    }

    /// The most bytes `write` writes: what is copied of an upstream's value is never longer
    /// than its bytes; a gather-made key escapes to at most 6 bytes per byte, plus quotes.
    private func bound(_ contributions: [UpstreamContribution]) -> Int {
        switch self {
        case .null:
            return 4
        case .upstream(let contribution, let position):
            return contributions[contribution].answer.body.range(position).count
        case .object(let node):
            // Members read in place (see `ObjectNode.member(named:in:)`).
            return node.members.withUnsafeBufferPointer { members in
                var bound = 2
                for index in members.indices {
                    switch members[index].key {
                    case .upstream(let contribution, let position): bound += contributions[contribution].answer.body.range(position).count
                    case .name(let name): bound += name.utf8.count * 6 + 2
                    }
                    bound += 2 + members[index].value.bound(contributions)
                }
                return bound
            }
        case .concatenated(let arrays):
            // Each array's brackets are not written; the commas between them fit in their place.
            var bound = 2
            for (contribution, array) in arrays { bound += contributions[contribution].answer.body.range(array).count }
            return bound
        }
    }

    private func write(into output: inout JSONWriter.RawOutput, contributions: [UpstreamContribution]) {
        switch self {
        case .null:
            output.append("null")
        case .upstream(let contribution, let position):
            contributions[contribution].answer.body.forEachCompactRun(of: position) { output.append($0) }
        case .object(let node):
            output.append(UInt8(ascii: "{"))
            node.members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    switch members[index].key {
                    case .upstream(let contribution, let position):
                        contributions[contribution].answer.body.forEachCompactRun(of: position) { output.append($0) }
                    case .name(let name):
                        // gather's own key (`group`), one per group an answer: escaped the usual way.
                        var escaped = JSONWriter(reservingCapacity: name.utf8.count + 2)
                        escaped.writeString(name)
                        escaped.buffer.withUnsafeReadableBytes { output.append($0) }
                    }
                    output.append(UInt8(ascii: ":"))
                    members[index].value.write(into: &output, contributions: contributions)
                }
            }
            output.append(UInt8(ascii: "}"))
        case .concatenated(let arrays):
            output.append(UInt8(ascii: "["))
            var first = true
            for (contribution, array) in arrays {
                let document = contributions[contribution].answer.body
                var element = array + 1
                while element < document.next(array) {
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    document.forEachCompactRun(of: element) { output.append($0) }
                    element = document.next(element)
                }
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    /// The value as a tree; for tests and messages.
    public func value(contributions: [UpstreamContribution]) -> JSONValue {
        var writer = JSONWriter()
        write(into: &writer, contributions: contributions)
        return (try? JSONParser.parse(writer.bytes)) ?? .null
    }
}
