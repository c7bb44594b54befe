import Testing
@testable import GatherCore

/// The list and object writers copy into room reserved once (`JSONWriter.RawOutput`); these
/// tests hold them to the bytes the earlier writers produced piece by piece through the
/// `ByteBuffer` (kept below as the reference), on random upstream bodies: whitespace inside
/// items, items that already hold `_score`/`_sources` (escaped or not), items that are not
/// objects, escaped keys, names that need escaping, more than 64 upstreams, every list mode.
@Suite struct MergeWriterReferenceTests {
    @Test(arguments: 0..<40)
    func listsAreWrittenAsBefore(seed: Int) throws {
        var random = Generator(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
        let upstreams = seed % 10 == 9 ? 70 : 1 + random.below(6)
        let contributions = try (0..<upstreams).map { upstream in
            let items = (0..<1 + random.below(12)).map { _ in random.item() }
            let text = "{\"results\":" + random.space() + "[" + items.joined(separator: "," + random.space()) + "]}"
            return try UpstreamContribution(name: random.name(upstream), bodyText: text,
                                            items: JSONPointer(tokens: ["results"]),
                                            weight: random.below(3) == 0 ? 0.5 : 1)
        }
        let results = JSONPointer(tokens: ["results"])
        let dedupes: [DedupeSpec?] = [nil, DedupeSpec(key: JSONPointer(tokens: ["url"]), normalize: .url),
                                      DedupeSpec(key: JSONPointer(tokens: ["id"]))]
        var specs: [MergeSpec] = []
        for dedupe in dedupes {
            for provenance in [true, false] {
                let limit = random.below(3) == 0 ? random.below(8) : nil
                specs.append(MergeSpec(mode: .concat, items: results, dedupe: dedupe, limit: limit, provenance: provenance))
                specs.append(MergeSpec(mode: .sort, items: results, dedupe: dedupe,
                                       sort: SortSpec(by: JSONPointer(tokens: ["s"]), order: .desc), limit: limit,
                                       provenance: provenance))
                for method in [FusionSpec.Method.rrf, .combsum, .combmnz, .max] {
                    specs.append(MergeSpec(mode: .fuse, items: results, dedupe: dedupe,
                                           fusion: FusionSpec(method: method, score: JSONPointer(tokens: ["s"])),
                                           limit: limit, provenance: provenance))
                }
            }
        }
        specs.append(MergeSpec(mode: .vote, items: results))
        var written = 0
        for spec in specs {
            let stage = try #require(MergeStages.make(spec, upstreamCount: upstreams, quorum: nil))
            let output = stage.merge(contributions)
            guard let list = output.items else { continue }
            var writer = JSONWriter(reservingCapacity: 16)
            list.write(into: &writer)
            #expect(text(writer.bytes) == text(ReferenceWriter.list(list)), "\(spec)")
            for position in list.entries.indices.prefix(6) {
                var one = JSONWriter(reservingCapacity: 1)
                list.writeItem(position, into: &one)
                #expect(text(one.bytes) == text(ReferenceWriter.item(list, position)), "\(spec) item \(position)")
            }
            written += list.count
        }
        #expect(written > 0)
    }

    @Test(arguments: 0..<40)
    func objectsAreWrittenAsBefore(seed: Int) throws {
        var random = Generator(seed: UInt64(seed) &* 0x51_7CC1 &+ 7)
        let upstreams = 1 + random.below(seed % 8 == 7 ? 40 : 5)
        let contributions = try (0..<upstreams).map { upstream in
            let group: String? = seed % 5 == 4 ? ["g\"1", "grüße", "g\\2"][random.below(3)] : nil
            let body = seed % 5 == 4 && random.below(3) == 0 ? random.value(depth: 2) : random.object(depth: 3)
            return try UpstreamContribution(name: random.name(upstream), bodyText: body, group: group)
        }
        for append in [false, true] {
            let output = ObjectMerge(append: append).merge(contributions)
            let data = try #require(output.data)
            var writer = JSONWriter(reservingCapacity: 1)
            data.write(into: &writer, contributions: contributions)
            #expect(text(writer.bytes) == text(ReferenceWriter.value(data, contributions)), "append \(append)")
            _ = try JSONDocument(indexing: writer.bytes)  // and it is one valid JSON value
        }
    }

    /// Bytes as text, so that a failure shows where they differ (the generator writes valid UTF-8).
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The writers as they were before the copies went into reserved room: one `ByteBuffer`
    /// write per piece.
    enum ReferenceWriter {
        static func list(_ list: MergedList) -> [UInt8] {
            var writer = JSONWriter()
            guard !list.entries.isEmpty else { return Array("[]".utf8) }
            writer.writeByte(UInt8(ascii: "["))
            for position in list.entries.indices {
                if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
                writeItem(list, position, into: &writer)
            }
            writer.writeByte(UInt8(ascii: "]"))
            return writer.bytes
        }

        static func item(_ list: MergedList, _ position: Int) -> [UInt8] {
            var writer = JSONWriter()
            writeItem(list, position, into: &writer)
            return writer.bytes
        }

        private static func writeItem(_ list: MergedList, _ position: Int, into writer: inout JSONWriter) {
            let entry = list.entries[position]
            let document = list.contributions[entry.contribution].itemsDocument
            let item = entry.item
            guard entry.score != nil || list.provenance, document.kind(item) == .object else {
                writer.write(document, item)
                return
            }
            let range = document.range(item)
            let scored = entry.score != nil
            let own = { (key: Int) in
                (scored && document.stringEquals(key, Array("_score".utf8)))
                    || (list.provenance && document.stringEquals(key, Array("_sources".utf8)))
            }
            let holdsOwn = document.members(of: item).contains { own($0.key) }
            if !document.hasWhitespace(item) && !holdsOwn {
                writer.write(document, bytesIn: range.lowerBound..<(range.upperBound - 1))
                if document.count(item) > 0 { writer.writeByte(UInt8(ascii: ",")) }
            } else {
                writer.writeByte(UInt8(ascii: "{"))
                for (key, value) in document.members(of: item) where !own(key) {
                    writer.write(document, key)
                    writer.writeByte(UInt8(ascii: ":"))
                    writer.write(document, value)
                    writer.writeByte(UInt8(ascii: ","))
                }
            }
            var wroteMember = false
            if let score = entry.score {
                writer.writeRaw("\"_score\":")
                writer.writeDouble(score)
                wroteMember = true
            }
            if list.provenance {
                if wroteMember { writer.writeByte(UInt8(ascii: ",")) }
                writer.writeRaw("\"_sources\":[")
                var first = true
                list.sources.forEach(entry.sources) { source in
                    if !first { writer.writeByte(UInt8(ascii: ",")) }
                    first = false
                    writer.writeString(list.contributions[source].name)
                }
                writer.writeByte(UInt8(ascii: "]"))
            }
            writer.writeByte(UInt8(ascii: "}"))
        }

        static func value(_ value: MergedValue, _ contributions: [UpstreamContribution]) -> [UInt8] {
            var writer = JSONWriter()
            write(value, contributions, into: &writer)
            return writer.bytes
        }

        private static func write(_ value: MergedValue, _ contributions: [UpstreamContribution], into writer: inout JSONWriter) {
            switch value {
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
                    write(member.value, contributions, into: &writer)
                }
                writer.writeByte(UInt8(ascii: "}"))
            case .concatenated(let arrays):
                writer.writeByte(UInt8(ascii: "["))
                var first = true
                for (contribution, array) in arrays {
                    let document = contributions[contribution].body
                    for element in document.elements(of: array) {
                        if !first { writer.writeByte(UInt8(ascii: ",")) }
                        first = false
                        writer.write(document, element)
                    }
                }
                writer.writeByte(UInt8(ascii: "]"))
            }
        }
    }

    /// Random JSON text with the shapes the writers treat specially.
    struct Generator {
        private var source: SplitMixGenerator

        init(seed: UInt64) { source = SplitMixGenerator(seed: seed) }

        mutating func next() -> UInt64 { source.next() }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        mutating func space() -> String { ["", "", "", " ", "\n  ", "\t"][below(6)] }

        mutating func name(_ upstream: Int) -> String {
            ["up\(upstream)", "e\"\(upstream)", "ü\(upstream)", "tab\t\(upstream)", "engine-\(upstream)"][below(5)]
        }

        mutating func scalar() -> String {
            ["1", "-0", "1E6", "12345678901234567890", "2.5", "1e400", "0.1", "\"x\"", "\"a\\\"b\"",
             "\"\\u00e9\"", "true", "false", "null"][below(13)]
        }

        mutating func url() -> String {
            ["\"https://a.example/x\"", "\"https://A.example/x/\"", "\"https://www.a.example/x#f\"",
             "\"https://b.example:443/y\"", "\"https://b.example/y\"", "\"http://[::1]:80/z\"",
             "\"https://c.example/%7e/../q?x=1\""][below(7)]
        }

        mutating func item() -> String {
            switch below(10) {
            case 0: return scalar()
            case 1: return "[" + space() + scalar() + "," + scalar() + "]"
            case 2: return "{}"
            default:
                var members: [String] = []
                if below(4) > 0 { members.append("\"url\":" + space() + url()) }
                if below(2) == 0 { members.append("\"id\":" + ["1", "2", "\"1\"", "3.0"][below(4)]) }
                if below(3) > 0 { members.append("\"s\":" + ["1", "2.5", "-3", "1e400", "\"high\"", "7"][below(6)]) }
                switch below(8) {
                case 0: members.append("\"_score\":" + scalar())
                case 1: members.append("\"_sources\":[\"elsewhere\"]")
                case 2: members.append("\"\\u005fsources\":1")
                case 3: members.append("\"_sc\\u006fre\":2")
                default: break
                }
                if below(3) == 0 { members.append("\"t\\\"k\":" + space() + "{\"n\":" + space() + "[1, 2]}") }
                members.shuffle(using: &self)
                return "{" + space() + members.joined(separator: space() + "," + space()) + space() + "}"
            }
        }

        mutating func value(depth: Int) -> String {
            switch depth > 0 ? below(6) : 0 {
            case 0, 1: return scalar()
            case 2: return "[" + space() + (0..<below(3)).map { _ in value(depth: depth - 1) }.joined(separator: ",") + "]"
            default: return object(depth: depth - 1)
            }
        }

        mutating func object(depth: Int) -> String {
            let keys = ["\"a\"", "\"b\"", "\"c\"", "\"\\u0061\"", "\"list\"", "\"deep\"", "\"k\\\"q\"", "\"ü\""]
            let members = (0..<below(7)).map { _ in
                keys[below(keys.count)] + space() + ":" + space() + value(depth: depth)
            }
            return "{" + space() + members.joined(separator: "," + space()) + "}"
        }
    }
}

extension MergeWriterReferenceTests.Generator: RandomNumberGenerator {}
