import Testing
@testable import GatherCore

@Suite struct FuseMergeTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }
    private func contribution(_ name: String, _ items: String, weight: Double = 1) throws -> UpstreamContribution {
        UpstreamContribution(name: name, items: try json(items).arrayValue ?? [], body: .null, weight: weight)
    }

    private func ids(_ output: MergeOutput) -> [String] {
        (output.itemValues ?? []).map { $0.objectValue?["id"]?.stringValue ?? "?" }
    }

    private func scores(_ output: MergeOutput) -> [Double] {
        (output.itemValues ?? []).map { $0.objectValue?["_score"]?.numberValue ?? -1 }
    }

    private var byID: DedupeSpec { get throws { DedupeSpec(key: try pointer("/id")) } }

    @Test func reciprocalRankFusion() throws {
        let output = FuseMerge(dedupe: try byID).merge([
            try contribution("alpha", #"[{"id":"A","from":"alpha"},{"id":"B","from":"alpha"},{"id":"C"}]"#),
            try contribution("beta", #"[{"id":"B","from":"beta"},{"id":"D"},{"id":"A","from":"beta"}]"#),
        ])
        // A = 1/61 + 1/63 = 0.0322664…, B = 1/62 + 1/61 = 0.0325224…, C = 1/63, D = 1/62.
        #expect(ids(output) == ["B", "A", "D", "C"])
        #expect(scores(output) == [1.0 / 62 + 1.0 / 61, 1.0 / 61 + 1.0 / 63, 1.0 / 62, 1.0 / 63])
        #expect(abs(scores(output)[0] - 0.0325224748810153) < 1e-15)
        #expect(output.items?.texts.first
                == #"{"id":"B","from":"alpha","_score":0.03252247488101534,"_sources":["alpha","beta"]}"#)
        #expect(output.counts == [3, 3])
    }

    @Test func ranksCountAfterAnUpstreamsOwnDuplicatesAreDropped() throws {
        let output = FuseMerge(fusion: FusionSpec(method: .rrf, k: 10), dedupe: try byID, provenance: false).merge([
            try contribution("alpha", #"[{"id":"A"},{"id":"A"},{"id":"B"}]"#),
        ])
        #expect(ids(output) == ["A", "B"])
        #expect(scores(output) == [1.0 / 11, 1.0 / 12])
        #expect(output.counts == [3])
    }

    @Test func weightsAndTiesByFirstAppearance() throws {
        let output = FuseMerge(fusion: FusionSpec(method: .rrf, k: 1), dedupe: try byID).merge([
            try contribution("alpha", #"[{"id":"A"},{"id":"B"}]"#),
            try contribution("beta", #"[{"id":"C"},{"id":"A"}]"#, weight: 2),
            try contribution("gamma", #"[{"id":"E"}]"#, weight: 2),
        ])
        // A = 1/2 + 2/3, C = 2/2 = 1, E = 1 (ties C, first seen earlier), B = 1/3.
        #expect(ids(output) == ["A", "C", "E", "B"])
        #expect(scores(output) == [1.0 / 2 + 2.0 / 3, 1, 1, 1.0 / 3])
    }

    @Test func withoutDedupeWholeItemsAreTheIdentity() throws {
        let output = FuseMerge(provenance: false).merge([
            try contribution("alpha", #"[{"id":"A"},{"id":"B"}]"#),
            try contribution("beta", #"[{"id":"B"},{"id":"A","x":1}]"#),
        ])
        #expect(output.items?.texts == [
            #"{"id":"B","_score":0.03252247488101534}"#,
            #"{"id":"A","_score":0.01639344262295082}"#,
            #"{"id":"A","x":1,"_score":0.016129032258064516}"#,
        ])
    }

    private var scored: [UpstreamContribution] {
        get throws {
            [try contribution("alpha", #"[{"id":"A","s":10},{"id":"B","s":5},{"id":"C","s":0}]"#),
             try contribution("beta", #"[{"id":"B","s":3},{"id":"D","s":3}]"#)]
        }
    }

    private func fused(_ method: FusionSpec.Method) throws -> MergeOutput {
        FuseMerge(fusion: FusionSpec(method: method, score: try pointer("/s")), dedupe: try byID).merge(try scored)
    }

    @Test func combsumNormalisesPerUpstream() throws {
        // alpha: A 1, B 0.5, C 0; beta (min = max): B 1, D 1.  Sums: A 1, B 1.5, C 0, D 1.
        let output = try fused(.combsum)
        #expect(ids(output) == ["B", "A", "D", "C"])
        #expect(scores(output) == [1.5, 1, 1, 0])
    }

    @Test func combmnzMultipliesByListCount() throws {
        let output = try fused(.combmnz)
        #expect(ids(output) == ["B", "A", "D", "C"])
        #expect(scores(output) == [3, 1, 1, 0])
    }

    @Test func maxTakesTheBestNormalisedScore() throws {
        let output = try fused(.max)
        #expect(ids(output) == ["A", "B", "D", "C"])
        #expect(scores(output) == [1, 1, 1, 0])
        #expect(output.items?.texts[1] == #"{"id":"B","s":5,"_score":1.0,"_sources":["alpha","beta"]}"#)
    }

    @Test func missingScoresCountAsZero() throws {
        let output = FuseMerge(fusion: FusionSpec(method: .combsum, score: try pointer("/s")), dedupe: try byID,
                                   provenance: false).merge([
            try contribution("alpha", #"[{"id":"A","s":10},{"id":"B"},{"id":"C","s":20},{"id":"E","s":"high"}]"#, weight: 2),
        ])
        #expect(ids(output) == ["C", "A", "B", "E"])
        #expect(scores(output) == [2, 0, 0, 0])
    }

    @Test func limitAppliesAfterFusion() throws {
        let output = FuseMerge(fusion: FusionSpec(method: .combsum, score: try pointer("/s")), dedupe: try byID,
                                   limit: 1).merge(try scored)
        #expect(ids(output) == ["B"])
        #expect(output.counts == [3, 2])
    }
}
