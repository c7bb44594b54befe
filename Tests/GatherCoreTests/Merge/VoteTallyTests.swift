import Testing
@testable import GatherCore

@Suite struct VoteTallyTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func majorityDefaults() {
        #expect(VoteTally.majority(of: 1) == 1)
        #expect(VoteTally.majority(of: 2) == 2)
        #expect(VoteTally.majority(of: 3) == 2)
        #expect(VoteTally.majority(of: 4) == 3)
        #expect(VoteTally.majority(of: 5) == 3)
        #expect(VoteTally.majority(of: 200) == 101)
        #expect(VoteTally.majority(of: 0) == 1)
        #expect(VoteTally.majority(of: -3) == 1)
    }

    @Test func agreesAsSoonAsEnoughMatchCanonically() throws {
        var tally = VoteTally(upstreams: 5, needed: 3)
        #expect(tally.record(upstream: 3, value: try json(#"{"a":1,"b":2}"#)) == .pending)
        #expect(tally.record(upstream: 0, value: try json(#"{"a":2}"#)) == .pending)
        #expect(tally.record(upstream: 1, value: try json(#"{"b":2.0,"a":1}"#)) == .pending)
        // Third equal value: agreed before upstreams 2 and 4 have answered. The upstream named
        // is the first one recorded (upstream 3, whose bytes the answer carries), not the first
        // in route order.
        let decision = tally.record(upstream: 4, value: try json(#"{"a":10e-1,"b":2}"#))
        #expect(decision == .agreed(upstream: 3, agree: 3))
        #expect(tally.decision == decision)
    }

    @Test func laterMatchingVotesRaiseTheCountButNotTheValue() throws {
        var tally = VoteTally(upstreams: 3, needed: 2)
        tally.record(upstream: 0, value: .int(1))
        #expect(tally.record(upstream: 1, value: .double(1)) == .agreed(upstream: 0, agree: 2))
        #expect(tally.record(upstream: 2, value: .int(1)) == .agreed(upstream: 0, agree: 3))
    }

    @Test func firstValueToReachNeededStaysTheWinner() {
        // needed 1 of 3: the first answer decides; a different later answer changes nothing.
        var tally = VoteTally(upstreams: 3, needed: 1)
        #expect(tally.record(upstream: 1, value: .string("x")) == .agreed(upstream: 1, agree: 1))
        #expect(tally.record(upstream: 0, value: .string("y")) == .agreed(upstream: 1, agree: 1))
        #expect(tally.record(upstream: 2, value: .string("y")) == .agreed(upstream: 1, agree: 1))
    }

    @Test func impossibleOnceNoValueCanReachNeeded() {
        var tally = VoteTally(upstreams: 3, needed: 2)
        #expect(tally.record(upstream: 0, value: .int(1)) == .pending)
        // 1 vote each for two values, one upstream left: still possible.
        #expect(tally.record(upstream: 1, value: .int(2)) == .pending)
        // The last one fails: best is 1 vote, nobody left.
        #expect(tally.record(upstream: 2, value: nil) == .impossible)
    }

    @Test func impossibleEarlyWhenFailuresLeaveTooFew() {
        var tally = VoteTally(upstreams: 5, needed: 3)
        #expect(tally.record(upstream: 0, value: nil) == .pending)
        #expect(tally.record(upstream: 1, value: nil) == .pending)
        #expect(tally.record(upstream: 2, value: .int(1)) == .pending)
        // 3 failed out of 5: at most 2 can agree.
        #expect(tally.record(upstream: 3, value: nil) == .impossible)
        // Final: a later vote cannot bring it back.
        #expect(tally.record(upstream: 4, value: .int(1)) == .impossible)
    }

    @Test func evenSplitIsATieThatCannotWin() {
        // 4 upstreams need 3: two against two is impossible as soon as it happens.
        var tally = VoteTally(upstreams: 4, needed: VoteTally.majority(of: 4))
        #expect(tally.record(upstream: 0, value: .string("a")) == .pending)
        #expect(tally.record(upstream: 1, value: .string("b")) == .pending)
        #expect(tally.record(upstream: 2, value: .string("a")) == .pending)
        #expect(tally.record(upstream: 3, value: .string("b")) == .impossible)
    }

    @Test func threeWaySplitIsImpossibleBeforeTheEnd() {
        var tally = VoteTally(upstreams: 4, needed: 3)
        tally.record(upstream: 0, value: .int(1))
        tally.record(upstream: 1, value: .int(2))
        // Best 1 + 1 outstanding = 2 < 3.
        #expect(tally.record(upstream: 2, value: .int(3)) == .impossible)
    }

    @Test func edgeCountsAndRepeatedOrUnknownUpstreams() {
        #expect(VoteTally(upstreams: 2, needed: 3).decision == .impossible)
        #expect(VoteTally(upstreams: 0, needed: VoteTally.majority(of: 0)).decision == .impossible)
        var lenient = VoteTally(upstreams: 2, needed: 0)
        #expect(lenient.needed == 1)
        #expect(lenient.record(upstream: 0, value: .null) == .agreed(upstream: 0, agree: 1))

        var tally = VoteTally(upstreams: 3, needed: 2)
        #expect(tally.record(upstream: 0, value: .int(1)) == .pending)
        #expect(tally.record(upstream: 0, value: .int(1)) == .pending)
        #expect(tally.record(upstream: -1, value: .int(1)) == .pending)
        #expect(tally.record(upstream: 3, value: .int(1)) == .pending)
        #expect(tally.record(upstream: 2, value: .int(1)) == .agreed(upstream: 0, agree: 2))
    }
}
