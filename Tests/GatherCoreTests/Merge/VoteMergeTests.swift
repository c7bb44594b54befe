import Testing
@testable import GatherCore

@Suite struct VoteMergeTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    private func bodies(_ texts: String...) throws -> [UpstreamContribution] {
        try texts.enumerated().map { UpstreamContribution(name: "u\($0.offset)", items: [], body: try json($0.element)) }
    }

    @Test func majorityValueWins() throws {
        let output = VoteMerge(upstreamCount: 3, needed: 2).merge(try bodies(
            #"{"price":10,"cur":"EUR"}"#, #"{"price":11,"cur":"EUR"}"#, #"{"cur":"EUR","price":10.0}"#))
        // The first appearance in route order is the value shown.
        #expect(output.dataText == #"{"price":10,"cur":"EUR"}"#)
        #expect(output.votes?.agree == 2)
        #expect(output.votes?.of == 3)
        #expect(output.counts == [1, 1, 1])
        #expect(output.items == nil)
    }

    @Test func shortOfNeededGivesNullButReportsTheLead() throws {
        // 5 upstreams, 2 answered alike, 1 differently, 2 failed (not contributing): 2 < 3.
        let output = VoteMerge(upstreamCount: 5, needed: 3).merge(try bodies("7", "8", "7"))
        #expect(output.dataValue == .some(.null))
        #expect(output.votes?.agree == 2)
        #expect(output.votes?.of == 5)
    }

    @Test func tiesGoToTheFirstInRouteOrder() throws {
        let output = VoteMerge(upstreamCount: 4, needed: 2).merge(try bodies(#""b""#, #""a""#, #""a""#, #""b""#))
        #expect(output.dataValue == .string("b"))
        #expect(output.votes?.agree == 2)
    }

    @Test func itemsPointerSelectsTheVoteAndMissingCastsNone() throws {
        let output = VoteMerge(items: try pointer("/answer"), upstreamCount: 4, needed: 2).merge(try bodies(
            #"{"answer":[1,2],"took":5}"#, #"{"other":1}"#, #"{"answer":[1,2.0],"took":9}"#, #"{"answer":null}"#))
        #expect(output.dataText == "[1,2]")
        #expect(output.votes?.agree == 2)
        #expect(output.counts == [1, 0, 1, 1])
    }

    @Test func nothingToVoteOn() {
        let output = VoteMerge(upstreamCount: 3, needed: 2).merge([])
        #expect(output.dataValue == .some(.null))
        #expect(output.votes?.agree == 0)
        #expect(output.votes?.of == 3)
    }

    @Test func builtByMergeStagesWithQuorumOrMajority() throws {
        let spec = MergeSpec(mode: .vote, summary: [SummarySpec(name: "n", reducer: .count, pointer: .root)])
        #expect(MergeStages.make(spec) == nil)
        let majority = try #require(MergeStages.make(spec, upstreamCount: 3, quorum: nil) as? VoteMerge)
        #expect(majority.needed == 2)
        #expect(majority.upstreamCount == 3)
        let quorum = try #require(MergeStages.make(spec, upstreamCount: 3, quorum: 3) as? VoteMerge)
        #expect(quorum.needed == 3)

        let contributions = try bodies("1", "1", "2")
        #expect(majority.merge(contributions).dataValue == .int(1))
        #expect(majority.merge(contributions).summaryValues?.first?.value == .int(3))
        #expect(quorum.merge(contributions).dataValue == .some(.null))
        #expect(quorum.merge(contributions).votes?.agree == 2)
    }

    @Test func otherModesAreUnchangedByTheNewOverload() throws {
        #expect(MergeStages.make(MergeSpec(mode: .concat), upstreamCount: 2, quorum: nil) is ConcatMerge)
        #expect(MergeStages.make(MergeSpec(mode: .sort), upstreamCount: 2, quorum: 1) is SortMerge)
        #expect(MergeStages.make(MergeSpec(mode: .fuse), upstreamCount: 2, quorum: nil) is FuseMerge)
        #expect(MergeStages.make(MergeSpec(mode: .object), upstreamCount: 2, quorum: nil) is ObjectMerge)
        #expect(MergeStages.make(MergeSpec(mode: .object)) is ObjectMerge)
    }
}
