import Testing
@testable import GatherCore

/// FuseMerge against `FusionReference` on seeded random inputs: 2–5 upstreams of 0–30 items,
/// overlapping keys, duplicates inside a list, missing and non-numeric scores, single-item
/// lists, random weights and k, three identity modes (dedupe key, lower-cased dedupe key,
/// whole item) and an occasional limit.
@Suite struct FuseMergeReferenceTests {
    private enum IdentityMode: CaseIterable { case key, lowerKey, wholeItem }

    /// One generated case: what FuseMerge gets and what the reference gets.
    private struct Case {
        var merge: FuseMerge
        var contributions: [UpstreamContribution]
        var reference: FusionReference
        var upstreams: [FusionReference.Upstream]
        var mode: IdentityMode
        var limit: Int?
    }

    @Test(arguments: 0..<200)
    func matchesTheReference(seed: Int) throws {
        let generated = makeCase(seed: UInt64(seed))
        let output = generated.merge.merge(generated.contributions)
        var expected = generated.reference.fuse(generated.upstreams)
        if let limit = generated.limit { expected = Array(expected.prefix(limit)) }

        let items = try #require(output.itemValues)
        #expect(output.counts == generated.upstreams.map(\.items.count))
        #expect(items.map { tag(of: $0, mode: generated.mode) } == expected.map(\.tag),
                "seed \(seed) \(generated.reference.method)")
        let scores = items.map { $0.objectValue?["_score"]?.numberValue ?? .nan }
        for (actual, wanted) in zip(scores, expected.map(\.score)) {
            #expect(abs(actual - wanted) <= 1e-9, "seed \(seed): \(actual) vs \(wanted)")
        }
        let sources = items.map { item in
            (item.objectValue?["_sources"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        #expect(sources == expected.map(\.sources), "seed \(seed)")
    }

    /// The reference checks itself on a case small enough to do by hand, so that a broken
    /// reference cannot make the random comparison pass vacuously.
    @Test func referenceAgreesWithAHandComputedCase() {
        let reference = FusionReference(method: .rrf, k: 60)
        let fused = reference.fuse([
            .init(name: "a", weight: 1, items: [.init(identity: "x", tag: "a0"), .init(identity: "y", tag: "a1"),
                                                .init(identity: "x", tag: "a2")]),
            .init(name: "b", weight: 2, items: [.init(identity: "y", tag: "b0")]),
        ])
        // y = 1/62 + 2/61, x = 1/61 (the repeated x at a2 is dropped before ranking).
        #expect(fused.map(\.tag) == ["a1", "a0"])
        #expect(fused.map(\.score) == [1.0 / 62 + 2.0 / 61, 1.0 / 61])
        #expect(fused.map(\.sources) == [["a", "b"], ["a"]])
    }

    private func tag(of item: JSONValue, mode: IdentityMode) -> String {
        guard let object = item.objectValue else { return "?" }
        if mode == .wholeItem { return Self.wholeItemTag(id: object["id"], score: object["s"]) }
        return object["tag"]?.stringValue ?? "?"
    }

    /// In whole-item mode the item is `{"id", "s"}` only, so that pair names it.
    private static func wholeItemTag(id: JSONValue?, score: JSONValue?) -> String {
        "\(id?.stringValue ?? "-")|\(score.map(\.jsonText) ?? "-")"
    }

    private func makeCase(seed: UInt64) -> Case {
        var random = SplitMixGenerator(seed: seed &* 7919 &+ 17)
        let method = ([.rrf, .combsum, .combmnz, .max] as [FusionSpec.Method])[Int(seed % 4)]
        let k: Double = [0, 1, 10, 60, Double.random(in: 0.5...100, using: &random)].randomElement(using: &random)!
        let mode = IdentityMode.allCases.randomElement(using: &random)!
        let idPool = Int.random(in: 1...12, using: &random)
        let limit: Int? = Int.random(in: 0..<5, using: &random) == 0 ? Int.random(in: 0...8, using: &random) : nil

        var contributions: [UpstreamContribution] = []
        var upstreams: [FusionReference.Upstream] = []
        for index in 0..<Int.random(in: 2...5, using: &random) {
            let name = "u\(index)"
            let weight = Bool.random(using: &random) ? 1.0 : Double.random(in: 0.1...3, using: &random)
            let count = [0, 1, 1, Int.random(in: 0...30, using: &random), Int.random(in: 0...30, using: &random)]
                .randomElement(using: &random)!
            var items: [JSONValue] = []
            var referenceItems: [FusionReference.Item] = []
            for position in 0..<count {
                let tag = "\(name)#\(position)"
                let base = "i\(Int.random(in: 0..<idPool, using: &random))"
                let score = randomScore(mode: mode, using: &random)
                switch mode {
                case .key, .lowerKey:
                    let id = mode == .lowerKey && Bool.random(using: &random) ? base.uppercased() : base
                    let keyless = Int.random(in: 0..<20, using: &random) == 0
                    var members: [(key: String, value: JSONValue)] = [("tag", .string(tag))]
                    if keyless {
                        if Bool.random(using: &random) { members.append(("id", .null)) }
                    } else {
                        members.append(("id", .string(id)))
                    }
                    if let score { members.append(("s", score)) }
                    items.append(.object(JSONObject(members)))
                    referenceItems.append(.init(identity: keyless ? nil : (mode == .lowerKey ? id.lowercased() : id),
                                                tag: tag, score: score?.numberValue))
                case .wholeItem:
                    var members: [(key: String, value: JSONValue)] = [("id", .string(base))]
                    if let score { members.append(("s", score)) }
                    items.append(.object(JSONObject(members)))
                    let identity = Self.wholeItemTag(id: .string(base), score: score)
                    referenceItems.append(.init(identity: identity, tag: identity, score: score?.numberValue))
                }
            }
            contributions.append(UpstreamContribution(name: name, items: items, body: .null, weight: weight))
            upstreams.append(.init(name: name, weight: weight, items: referenceItems))
        }

        let scorePointer = JSONPointer(tokens: ["s"])
        let dedupe: DedupeSpec?
        switch mode {
        case .key: dedupe = DedupeSpec(key: JSONPointer(tokens: ["id"]))
        case .lowerKey: dedupe = DedupeSpec(key: JSONPointer(tokens: ["id"]), normalize: .lower)
        case .wholeItem: dedupe = nil
        }
        let merge = FuseMerge(fusion: FusionSpec(method: method, k: k, score: scorePointer), dedupe: dedupe,
                              limit: limit)
        return Case(merge: merge, contributions: contributions, reference: FusionReference(method: method, k: k),
                    upstreams: upstreams, mode: mode, limit: limit)
    }

    /// Mostly numbers (integers and fractions, negatives too), sometimes missing or not a
    /// number. Whole-item mode keeps to a few integers so that equal items do recur.
    private func randomScore(mode: IdentityMode, using random: inout SplitMixGenerator) -> JSONValue? {
        if mode == .wholeItem {
            return Int.random(in: 0..<6, using: &random) == 0 ? nil : .int(Int64.random(in: 0...2, using: &random))
        }
        switch Int.random(in: 0..<20, using: &random) {
        case 0, 1, 2: return nil
        case 3: return .string("high")
        case 4: return .bool(true)
        case 5...11: return .int(Int64.random(in: -3...20, using: &random))
        default: return .double(Double.random(in: -5...5, using: &random))
        }
    }
}
