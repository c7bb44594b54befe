@testable import GatherServer
import Testing

@Suite struct UsableCoresTests {
    @Test func affinityNarrowerThanTheSystemWins() {
        #expect(UsableCores.count(affinity: 1, system: 8) == 1)
    }

    @Test func systemLimitWinsOverAWiderMask() {
        // A cgroup quota of 2 CPUs with a mask of all 8.
        #expect(UsableCores.count(affinity: 8, system: 2) == 2)
    }

    @Test func unreadableMaskFallsBackToTheSystem() {
        #expect(UsableCores.count(affinity: nil, system: 4) == 4)
        #expect(UsableCores.count(affinity: 0, system: 4) == 4)
        #expect(UsableCores.count(affinity: nil, system: 0) == 1)
    }

    @Test func thisProcessHasAtLeastOne() {
        #expect(UsableCores.count >= 1)
        if let mask = UsableCores.affinityCount() { #expect(mask >= 1) }
    }
}
