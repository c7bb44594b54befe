import Testing
@testable import GatherCore

@Suite struct HedgeTimingTests {
    private let ms: Int64 = 1_000_000

    @Test func fixedDelayIsAsWritten() {
        #expect(HedgeTiming.delay(for: .fixed(.milliseconds(40)), timeout: 200 * ms, observed: 7 * ms) == 40 * ms)
        #expect(HedgeTiming.delay(for: .fixed(.milliseconds(-5)), timeout: 200 * ms, observed: nil) == 0)
    }

    @Test func adaptiveFallsBackToHalfTheTimeout() {
        #expect(HedgeTiming.delay(for: .percentile(95), timeout: 200 * ms, observed: nil) == 100 * ms)
    }

    @Test func adaptiveIsClampedToOneMillisecondAndTheTimeout() {
        #expect(HedgeTiming.delay(for: .percentile(95), timeout: 200 * ms, observed: 37 * ms) == 37 * ms)
        #expect(HedgeTiming.delay(for: .percentile(95), timeout: 200 * ms, observed: 300_000) == 1 * ms)
        #expect(HedgeTiming.delay(for: .percentile(95), timeout: 200 * ms, observed: 250 * ms) == 200 * ms)
    }

    @Test func tinyTimeoutsStayPositiveAndWithinTheTimeout() {
        #expect(HedgeTiming.delay(for: .percentile(99), timeout: 500_000, observed: nil) == 500_000)
        #expect(HedgeTiming.delay(for: .percentile(99), timeout: 0, observed: nil) == 1)
    }
}

@Suite struct HedgeTimingPercentileTests {
    @Test func theBudgetRaisesThePercentileToItsShareOfTheSlowest() {
        #expect(HedgeTiming.percentile(for: .percentile(95), budget: 0.02) == 98.5)
        #expect(HedgeTiming.percentile(for: .percentile(95), budget: 0.001) == 99.925)
        #expect(HedgeTiming.percentile(for: .percentile(99), budget: 0.01) == 99.25)
        #expect(HedgeTiming.percentile(for: .percentile(99), budget: 0.04) == 99)
        #expect(HedgeTiming.percentile(for: .percentile(90), budget: 0.2) == 90)
        #expect(HedgeTiming.percentile(for: .percentile(95), budget: nil) == 95)
        #expect(HedgeTiming.percentile(for: .percentile(90), budget: 2) == 90)      // clamped to 100%
        #expect(HedgeTiming.percentile(for: .percentile(90), budget: .nan) == 90)
    }

    @Test func aFixedDelayHasNoPercentile() {
        #expect(HedgeTiming.percentile(for: .fixed(.milliseconds(40)), budget: 0.02) == nil)
    }
}
