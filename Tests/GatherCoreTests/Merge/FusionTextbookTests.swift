import Testing
@testable import GatherCore

/// Fusion cases worked out by hand, with the exact fractions written down.
@Suite struct FusionTextbookTests {
    private func item(_ id: String, _ score: Int? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string(id))]
        if let score { members.append(("s", .int(Int64(score)))) }
        return .object(JSONObject(members))
    }

    private func list(_ name: String, _ items: [JSONValue], weight: Double = 1) -> UpstreamContribution {
        UpstreamContribution(name: name, items: items, body: .null, weight: weight)
    }

    private func ids(_ output: MergeOutput) -> [String] {
        (output.itemValues ?? []).map { $0.objectValue?["id"]?.stringValue ?? "?" }
    }

    private func scores(_ output: MergeOutput) -> [Double] {
        (output.itemValues ?? []).map { $0.objectValue?["_score"]?.numberValue ?? .nan }
    }

    private func close(_ actual: [Double], _ expected: [Double]) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { abs($0 - $1) < 1e-12 }
    }

    private let byID = DedupeSpec(key: JSONPointer(tokens: ["id"]))
    private let score = JSONPointer(tokens: ["s"])

    /// Cormack et al.'s RRF with k = 60 over three lists:
    ///   L1 = a b c, L2 = b c d, L3 = c a e
    ///   c = 1/63 + 1/62 + 1/61 = (3906 + 3843 + 3782) / 238266 = 11531/238266 ≈ 0.0483955
    ///   a = 1/61 + 1/62 = 123/3782 ≈ 0.0325225   (ranks 1 and 2)
    ///   b = 1/62 + 1/61 = 123/3782               (ties a; a appeared first, in L1)
    ///   d = 1/63, e = 1/63                       (tie; d appeared first, in L2)
    @Test func rrfThreeListsK60() {
        let output = FuseMerge(fusion: FusionSpec(method: .rrf, k: 60), dedupe: byID).merge([
            list("L1", [item("a"), item("b"), item("c")]),
            list("L2", [item("b"), item("c"), item("d")]),
            list("L3", [item("c"), item("a"), item("e")]),
        ])
        #expect(ids(output) == ["c", "a", "b", "d", "e"])
        let c: Double = 11531.0 / 238266, ab: Double = 123.0 / 3782, de: Double = 1.0 / 63
        #expect(close(scores(output), [c, ab, ab, de, de]))
        #expect(abs(scores(output)[0] - 0.04839549075403121) < 1e-15)
        #expect(output.itemValues?.first?.objectValue?["_sources"]?.jsonText == #"["L1","L2","L3"]"#)
    }

    /// Weighted RRF, k = 0 (plain reciprocal rank), L2 weighted 3:
    ///   L1 = x y, L2 = y z
    ///   x = 1/1 = 1, y = 1/2 + 3/1 = 7/2, z = 3/2
    @Test func weightedRRFWithKZero() {
        let output = FuseMerge(fusion: FusionSpec(method: .rrf, k: 0), dedupe: byID).merge([
            list("L1", [item("x"), item("y")]),
            list("L2", [item("y"), item("z")], weight: 3),
        ])
        #expect(ids(output) == ["y", "z", "x"])
        #expect(scores(output) == [3.5, 1.5, 1])
    }

    /// Score fusion, L2 weighted 2:
    ///   L1 raw: x 10, y 6, z 2  → min 2, max 10 → x 8/8 = 1, y 4/8 = 1/2, z 0
    ///   L2 raw: y 8, z 2, w 5   → min 2, max 8  → y 1, z 0, w 3/6 = 1/2; × 2 → y 2, z 0, w 1
    ///   combsum: y 1/2 + 2 = 5/2, x 1, w 1 (ties x, which came first), z 0
    ///   combmnz: y 5/2 × 2 = 5,   x 1 × 1, w 1 × 1, z 0 × 2 = 0
    ///   max:     y max(1/2, 2) = 2, x 1, w 1, z 0
    @Test(arguments: [(FusionSpec.Method.combsum, [2.5, 1, 1, 0]), (.combmnz, [5, 1, 1, 0]), (.max, [2, 1, 1, 0])])
    func scoreFusion(method: FusionSpec.Method, expected: [Double]) {
        let output = FuseMerge(fusion: FusionSpec(method: method, score: score), dedupe: byID).merge([
            list("L1", [item("x", 10), item("y", 6), item("z", 2)]),
            list("L2", [item("y", 8), item("z", 2), item("w", 5)], weight: 2),
        ])
        #expect(ids(output) == ["y", "x", "w", "z"])
        #expect(scores(output) == expected)
    }

    /// A one-item list has min = max: its item normalises to 1 (× weight 0.5 here), which
    /// beats nothing else in L1 but lands between L1's 1 and 0.
    ///   L1 raw: p 3, q 1 → p 1, q 0;  L2: r 7 alone → 1 × 0.5
    @Test func singleItemListNormalisesToOne() {
        let output = FuseMerge(fusion: FusionSpec(method: .combsum, score: score), dedupe: byID).merge([
            list("L1", [item("p", 3), item("q", 1)]),
            list("L2", [item("r", 7)], weight: 0.5),
        ])
        #expect(ids(output) == ["p", "r", "q"])
        #expect(scores(output) == [1, 0.5, 0])
    }
}
