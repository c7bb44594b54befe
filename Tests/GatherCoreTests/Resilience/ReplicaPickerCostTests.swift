import Testing
@testable import GatherCore

@Suite struct ReplicaPickerCostTests {
    private let ms = 1_000_000.0

    @Test func costIsEstimateTimesInFlightPlusOne() {
        #expect(ReplicaPicker.costs(latencies: [2 * ms, 10 * ms], inFlight: [3, 0]) == [8 * ms, 10 * ms])
    }

    @Test func aReplicaWithoutAnEstimateIsCostedAtTheBestKnownOne() {
        #expect(ReplicaPicker.costs(latencies: [6 * ms, nil, 4 * ms], inFlight: [0, 2, 0])
                == [6 * ms, 12 * ms, 4 * ms])
        // None known: the in-flight count alone decides.
        #expect(ReplicaPicker.costs(latencies: [nil, nil], inFlight: [4, 1]) == [5, 2])
        // Missing entries count as unknown; a zero estimate still lets the load count (1ns floor).
        #expect(ReplicaPicker.costs(latencies: [0], inFlight: [2, 0]) == [3, 1])
    }

    /// Two replicas at 2ms and 10ms, picks never finishing: the fast one takes every attempt
    /// until its queue costs as much as the idle slow one (2 · 5 = 10, a tie it wins from cursor
    /// 0), then the slow one takes one (12 > 10), then the fast one again (12 < 20).
    @Test func prefersTheFasterReplicaUntilItsQueueMakesItDearer() {
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 3)
        var inFlight = [0, 0]
        var picks: [Int] = []
        for _ in 0..<7 {
            let chosen = picker.pick(latencies: [2 * ms, 10 * ms], inFlight: inFlight, using: &generator)
            picks.append(chosen)
            inFlight[chosen] += 1
        }
        #expect(picks == [0, 0, 0, 0, 0, 1, 0])
    }

    /// Three idle replicas, the middle one five times faster: P2C sends to it whenever it is one
    /// of the two candidates (2 of 3 draws on average) and never sends to a slow one over it.
    @Test func seededDrawsPreferTheFasterReplica() {
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 42)
        var counts = [0, 0, 0]
        for _ in 0..<300 {
            counts[picker.pick(latencies: [10 * ms, 2 * ms, 10 * ms], inFlight: [0, 0, 0], using: &generator)] += 1
        }
        #expect(counts.reduce(0, +) == 300)
        #expect(counts[1] >= 170 && counts[1] <= 230)     // 200 expected
        #expect(counts[0] >= 20 && counts[2] >= 20)       // the slow ones still see traffic
    }

    @Test func aNewReplicaGetsTrafficBesideAMeasuredOne() {
        var picker = ReplicaPicker()
        var generator = SplitMixGenerator(seed: 1)
        // Replica 1 has no estimate: costed at replica 0's 5ms, so load decides.
        #expect(picker.pick(latencies: [5 * ms, nil], inFlight: [3, 0], using: &generator) == 1)
        #expect(picker.pick(latencies: [5 * ms, nil], inFlight: [0, 3], using: &generator) == 0)
    }
}
