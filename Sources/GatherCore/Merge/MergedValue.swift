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
                for (position, member) in members.enumerated() where member.key.equals(name, in: contributions) {
                    return position
                }
                guard members.count + 1 > Self.tableThreshold else { return nil }
                var table = ByteKeyTable(capacity: members.count * 2, averageKeyLength: 16)
                for (position, member) in members.enumerated() {
                    member.key.withContent(in: contributions) { _ = table.position(of: $0, recordingIfNew: position) }
                }
                keys = table
            }
            return keys!.position(of: name, recordingIfNew: members.count)
        }
    }

    /// A member name: as an upstream wrote it (escapes kept), or gather's own (`group`).
    public enum Key: Sendable {
        case upstream(contribution: Int, position: Int)
        case name(String)

        func withContent<R>(in contributions: [UpstreamContribution], _ body: (UnsafeRawBufferPointer) -> R) -> R {
            switch self {
            case .upstream(let contribution, let position):
                return contributions[contribution].body.withStringContent(position, body)
            case .name(let name):
                var name = name
                return name.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            }
        }

        func equals(_ content: UnsafeRawBufferPointer, in contributions: [UpstreamContribution]) -> Bool {
            switch self {
            case .upstream(let contribution, let position):
                return contributions[contribution].body.stringEquals(position, content)
            case .name:
                return withContent(in: contributions) { $0.elementsEqual(content) }
            }
        }
    }

    public func write(into writer: inout JSONWriter, contributions: [UpstreamContribution]) {
        switch self {
        case .null:
            writer.writeNull()
        case .upstream(let contribution, let position):
            writer.write(contributions[contribution].body, position)
        case .object(let node):
            writer.writeByte(UInt8(ascii: "{"))
            for (index, member) in node.members.enumerated() {
                if index > 0 { writer.writeByte(UInt8(ascii: ",")) }
                switch member.key {
                case .upstream(let contribution, let position): writer.write(contributions[contribution].body, position)
                case .name(let name): writer.writeString(name)
                }
                writer.writeByte(UInt8(ascii: ":"))
                member.value.write(into: &writer, contributions: contributions)
            }
            writer.writeByte(UInt8(ascii: "}"))
        case .concatenated(let arrays):
            writer.writeByte(UInt8(ascii: "["))
            var first = true
            for (contribution, array) in arrays {
                let document = contributions[contribution].body
                var element = array + 1
                while element < document.next(array) {
                    if !first { writer.writeByte(UInt8(ascii: ",")) }
                    first = false
                    writer.write(document, element)
                    element = document.next(element)
                }
            }
            writer.writeByte(UInt8(ascii: "]"))
        }
    }

    /// The value as a tree; for tests and messages.
    public func value(contributions: [UpstreamContribution]) -> JSONValue {
        var writer = JSONWriter()
        write(into: &writer, contributions: contributions)
        return (try? JSONParser.parse(writer.bytes)) ?? .null
    }
}
