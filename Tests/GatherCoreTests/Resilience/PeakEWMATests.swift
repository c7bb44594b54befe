import Testing
@testable import GatherCore

@Suite struct PeakEWMATests {
    private let tau: Int64 = 1_000_000

    @Test func noEstimateBeforeTheFirstSampleThenTheSampleItself() {
        var ewma = PeakEWMA(decay: tau)
        #expect(ewma.estimate(now: 0) == nil)
        ewma.observe(100, now: 5)
        #expect(ewma.estimate(now: 5) == 100)
    }

    @Test func aHigherSampleIsBelievedAtOnce() {
        var ewma = PeakEWMA(decay: tau)
        ewma.observe(10, now: 0)
        ewma.observe(500, now: 1)
        #expect(ewma.estimate(now: 1) == 500)
    }

    @Test func aLowerSampleIsBlendedByElapsedTimeAndIdleDecaysTowardZero() throws {
        var ewma = PeakEWMA(decay: tau)
        ewma.observe(100, now: 0)
        // One τ later: 100/e = 36.788 remains; blending 20 with weight 1 − 1/e gives 26.176.
        let idle = try #require(ewma.estimate(now: tau))
        #expect(abs(idle - 36.787944) < 1e-5)
        ewma.observe(20, now: tau)
        let blended = try #require(ewma.estimate(now: tau))
        #expect(abs(blended - 26.175940) < 1e-5)
    }

    @Test func aSampleInTheSameInstantBarelyMovesALowerEstimate() {
        var ewma = PeakEWMA(decay: tau)
        ewma.observe(100, now: 0)
        ewma.observe(0, now: 0)            // no time passed: weight 0
        #expect(ewma.estimate(now: 0) == 100)
    }

    @Test func aClockRunningBackwardsCountsAsNoTime() {
        var ewma = PeakEWMA(decay: tau)
        ewma.observe(100, now: 50)
        #expect(ewma.estimate(now: 10) == 100)
        ewma.observe(-7, now: 10)          // negative counts as 0, and no time passed
        #expect(ewma.estimate(now: 50) == 100)
    }
}
