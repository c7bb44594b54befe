import Testing
@testable import GatherCore

/// Numbers stay text until a merge compares or sums them; one beyond Double's range is passed
/// through, and counts as missing wherever a number is needed.
@Suite struct NumberTextTests {
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    private func list(_ name: String, _ items: String) throws -> UpstreamContribution {
        try UpstreamContribution(name: name, bodyText: #"{"r":"# + items + "}", items: try pointer("/r"))
    }

    @Test func numberValuesAreReadOnlyWhenNeeded() throws {
        let document = try JSONDocument(indexing: Array(#"[12345678901234567890,1E6,-0,1e400,1.000000000000000005,-9223372036854775808]"#.utf8))
        let values = document.elements(of: JSONDocument.root).map { document.number($0) }
        #expect(values == [.double(12345678901234567890.0), .double(1e6), .int(0), nil, .double(1.0), .int(.min)])
        #expect(document.elements(of: JSONDocument.root).map { document.text(of: $0) }
                == ["12345678901234567890", "1E6", "-0", "1e400", "1.000000000000000005", "-9223372036854775808"])
    }

    @Test func aSortKeyBeyondDoubleRangeSortsWithTheMissing() throws {
        let output = SortMerge(sort: SortSpec(by: try pointer("/n"), order: .desc), provenance: false).merge([
            try list("a", #"[{"n":1e400},{"n":2},{"x":1},{"n":-1E400},{"n":3E0}]"#),
        ])
        #expect(output.items?.texts == [#"{"n":3E0}"#, #"{"n":2}"#, #"{"n":1e400}"#, #"{"x":1}"#, #"{"n":-1E400}"#])
    }

    @Test func aFusionScoreBeyondDoubleRangeCountsZero() throws {
        let fuse = FuseMerge(fusion: FusionSpec(method: .combsum, score: try pointer("/s")),
                             dedupe: DedupeSpec(key: try pointer("/id")), provenance: false)
        let output = fuse.merge([try list("a", #"[{"id":"x","s":1e400},{"id":"y","s":5},{"id":"z","s":1}]"#)])
        // y normalises to 1, z to 0, x (no usable score) to 0 and keeps its first-appearance tie.
        #expect(output.items?.texts == [#"{"id":"y","s":5,"_score":1.0}"#, #"{"id":"x","s":1e400,"_score":0.0}"#,
                                        #"{"id":"z","s":1,"_score":0.0}"#])
    }

    @Test func numericDedupeKeysCompareByValueAndHugeOnesByText() throws {
        let concat = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/k")), provenance: false)
        let output = concat.merge([try list("a", #"[{"k":1},{"k":1.0},{"k":1e0},{"k":1e400},{"k":1E400},{"k":1e400}]"#)])
        #expect(output.items?.texts == [#"{"k":1}"#, #"{"k":1e400}"#, #"{"k":1E400}"#])
    }

    @Test func voteComparesIntegersByTheirDigits() throws {
        func vote(_ bodies: [String]) throws -> MergeOutput {
            let contributions = try bodies.enumerated().map { try UpstreamContribution(name: "r\($0.offset)", bodyText: $0.element) }
            return VoteMerge(upstreamCount: bodies.count, needed: 2).merge(contributions)
        }
        // Two ids one apart are one Double, but not one answer.
        let distinct = try vote([#"{"id":12345678901234567890}"#, #"{"id":12345678901234567891}"#])
        #expect(distinct.votes?.agree == 1)
        let same = try vote([#"{"id":12345678901234567890,"p":1.0}"#, #"{"p":1,"id":12345678901234567890}"#])
        #expect(same.votes?.agree == 2)
        #expect(same.dataText == #"{"id":12345678901234567890,"p":1.0}"#)
    }
}
