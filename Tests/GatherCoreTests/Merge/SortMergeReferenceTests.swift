import Testing
@testable import GatherCore

/// SortMerge against `SortReference` on seeded random inputs: mixed integers, fractions,
/// strings (non-ASCII and astral too), missing fields and non-sortable values, repeated keys
/// across and inside upstreams, both orders.
@Suite struct SortMergeReferenceTests {
    private static let words = ["a", "B", "b", "ab", "é", "e\u{301}", "€", "\u{FFFF}", "😀", "", "10", "9"]

    @Test(arguments: 0..<100)
    func matchesTheReference(seed: Int) throws {
        var random = SplitMixGenerator(seed: UInt64(seed) &* 104_729 &+ 3)
        let descending = Bool.random(using: &random)
        let idPool = Int.random(in: 1...15, using: &random)
        var contributions: [UpstreamContribution] = []
        var upstreams: [[SortReference.Item]] = []
        for index in 0..<Int.random(in: 1...5, using: &random) {
            var items: [JSONValue] = []
            var referenceItems: [SortReference.Item] = []
            for position in 0..<Int.random(in: 0...25, using: &random) {
                let tag = "u\(index)#\(position)"
                let id = "i\(Int.random(in: 0..<idPool, using: &random))"
                let value = randomValue(using: &random)
                var members: [(key: String, value: JSONValue)] = [("tag", .string(tag)), ("id", .string(id))]
                if let value { members.append(("p", value)) }
                items.append(.object(JSONObject(members)))
                referenceItems.append(.init(tag: tag, key: id, value: value))
            }
            contributions.append(UpstreamContribution(name: "u\(index)", items: items, body: .null))
            upstreams.append(referenceItems)
        }
        let merge = SortMerge(sort: SortSpec(by: JSONPointer(tokens: ["p"]), order: descending ? .desc : .asc),
                              dedupe: DedupeSpec(key: JSONPointer(tokens: ["id"])))
        let output = merge.merge(contributions)
        let expected = SortReference(descending: descending).sort(upstreams)
        let actual = (output.itemValues ?? []).map { item in
            SortReference.Entry(
                tag: item.objectValue?["tag"]?.stringValue ?? "?",
                sources: (item.objectValue?["_sources"]?.arrayValue ?? []).compactMap { source in
                    source.stringValue.flatMap { Int($0.dropFirst()) }
                })
        }
        #expect(actual == expected, "seed \(seed)")
    }

    private func randomValue(using random: inout SplitMixGenerator) -> JSONValue? {
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return nil
        case 1: return .null
        case 2: return .bool(Bool.random(using: &random))
        case 3, 4: return .string(Self.words.randomElement(using: &random)!)
        case 5, 6, 7: return .int(Int64.random(in: -5...5, using: &random))
        case 8: return .double(Double(Int.random(in: -5...5, using: &random)))
        default: return .double(Double.random(in: -5...5, using: &random))
        }
    }
}
