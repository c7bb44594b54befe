import Testing
@testable import GatherCore

/// Hands out fixed numbers so each draw of `next(upperBound:)` is known: with an upper bound of
/// 4 the draw is the top two bits, with 3 it is ⌊x · 3 / 2^64⌋.
private struct ScriptedGenerator: RandomNumberGenerator {
    var values: [UInt64]
    var position = 0

    mutating func next() -> UInt64 {
        defer { position = (position + 1) % values.count }
        return values[position]
    }
}

@Suite struct ReplicaPickerTests {
    @Test func oneOrNoReplicaIsIndexZero() {
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 1)
        let picks = [[7], []].map { picker.pick(inFlight: $0, using: &generator) }
        #expect(picks == [0, 0])
        #expect(generator == SplitMixGenerator(seed: 1))              // nothing drawn
    }

    @Test func twoReplicasPickTheLessLoadedAndTiesRotate() {
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 9)
        let loads = [[3, 1], [0, 2], [0, 0], [0, 0], [0, 0], [4, 4]]
        let picks = loads.map { picker.pick(inFlight: $0, using: &generator) }
        #expect(picks == [1, 0, 0, 1, 0, 1])
    }

    @Test func givenCandidatesDecideByLoadThenCursor() {
        var picker = ReplicaPicker()
        let first = picker.pick(inFlight: [5, 2, 9], candidates: 0, 2)
        #expect(first == 0)
        #expect(picker.tieCursor == 0)                                 // no tie, no move
        let second = picker.pick(inFlight: [1, 1, 1], candidates: 2, 1)
        #expect(second == 1)                                           // 1 is nearer cursor 0
        #expect(picker.tieCursor == 2)
        let third = picker.pick(inFlight: [1, 1, 1], candidates: 0, 2)
        #expect(third == 2)
        #expect(picker.tieCursor == 0)
        let wrapped = picker.pick(inFlight: [1, 1, 1], candidates: -1, 4)   // 2 and 1
        #expect(wrapped == 1)
    }

    @Test func scriptedDrawsAreDistinct() {
        var picker = ReplicaPicker()
        // upperBound 4 → 1 (0x40…); upperBound 3 → 1 (0x60… · 3 = 1.125 · 2^64), bumped to 2
        // because it is not below the first draw. Candidates 1 and 2: 2 is less loaded.
        var generator = ScriptedGenerator(values: [0x4000_0000_0000_0000, 0x6000_0000_0000_0000])
        let loaded = picker.pick(inFlight: [0, 9, 4, 0], using: &generator)
        #expect(loaded == 2)
        // upperBound 4 → 3 (0xC0…); upperBound 3 → 0: candidates 3 and 0, tie, cursor 0 → 0.
        generator = ScriptedGenerator(values: [0xC000_0000_0000_0000, 0x1000_0000_0000_0000])
        let tied = picker.pick(inFlight: [0, 9, 4, 0], using: &generator)
        #expect(tied == 0)
    }

    @Test func splitMixMatchesTheReferenceOutput() {
        var generator = SplitMixGenerator(seed: 0)
        let outputs = (0..<3).map { _ in generator.next() }
        #expect(outputs == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func seededPicksAreReproducible() {
        // Candidate pairs from seed 42 over four replicas (computed independently):
        // (2,0) (1,2) (0,3) (0,3) (1,2) (0,2).
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 42)
        let idle = (0..<6).map { _ in picker.pick(inFlight: [0, 0, 0, 0], using: &generator) }
        #expect(idle == [0, 1, 3, 0, 1, 2])

        picker = ReplicaPicker()
        generator = SplitMixGenerator(seed: 42)
        let loaded = (0..<6).map { _ in picker.pick(inFlight: [3, 0, 5, 1], using: &generator) }
        #expect(loaded == [0, 1, 3, 3, 1, 0])
    }
}
