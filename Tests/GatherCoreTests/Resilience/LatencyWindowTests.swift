import Testing
@testable import GatherCore

@Suite struct LatencyWindowTests {
    private let ms: Int64 = 1_000_000

    /// The macro cannot call a mutating method itself.
    private func percentile(_ window: inout LatencyWindow, _ p: Double) -> Int64? {
        window.percentile(p)
    }

    private func window(recording values: [Int64]) -> LatencyWindow {
        var window = LatencyWindow()
        for value in values { window.record(value) }
        return window
    }

    @Test func nilUntilTwentySamples() {
        var window = window(recording: (1...19).map { $0 * ms })
        #expect(percentile(&window, 95) == nil)
        window.record(20 * ms)
        #expect(percentile(&window, 95) == 19 * ms)
    }

    @Test func nearestRankOnOneToTwenty() {
        // Recorded out of order: the window sorts.
        var window = window(recording: [7, 3, 20, 1, 14, 9, 2, 18, 11, 5, 16, 4, 13, 8, 19, 6, 12, 10, 17, 15].map { $0 * ms })
        #expect(percentile(&window, 50) == 10 * ms)   // rank ⌈10⌉ = 10
        #expect(percentile(&window, 95) == 19 * ms)   // rank ⌈19⌉ = 19
        #expect(percentile(&window, 99) == 20 * ms)   // rank ⌈19.8⌉ = 20
        #expect(percentile(&window, 100) == 20 * ms)
        #expect(percentile(&window, 5) == 1 * ms)     // rank ⌈1⌉ = 1
        #expect(percentile(&window, 5.1) == 2 * ms)   // rank ⌈1.02⌉ = 2
        #expect(percentile(&window, 0) == 1 * ms)
        #expect(percentile(&window, -3) == 1 * ms)
        #expect(percentile(&window, 250) == 20 * ms)
        #expect(percentile(&window, .nan) == nil)
    }

    @Test func evictsOldestOnceFull() {
        var window = LatencyWindow(capacity: 4, minimumSamples: 1, refreshInterval: 1)
        for value: Int64 in [10, 20, 30, 40, 50] { window.record(value) }
        #expect(window.count == 4)
        #expect(percentile(&window, 0) == 20)
        #expect(percentile(&window, 50) == 30)   // [20, 30, 40, 50], rank 2
        #expect(percentile(&window, 100) == 50)
        window.record(5)                        // evicts 20
        #expect(percentile(&window, 0) == 5)
        #expect(percentile(&window, 75) == 40)   // [5, 30, 40, 50], rank 3
    }

    @Test func defaultWindowKeepsLast1024() {
        var window = window(recording: Array(1...1100))
        #expect(window.count == 1024)
        #expect(percentile(&window, 0) == 77)    // 1…76 evicted
        #expect(percentile(&window, 100) == 1100)
        #expect(percentile(&window, 50) == 588)  // rank 512 of 77…1100
    }

    @Test func resortsOnlyEveryThirtyTwoRecords() {
        var window = window(recording: (1...20).map { $0 * ms })
        #expect(percentile(&window, 95) == 19 * ms)
        for _ in 0..<31 { window.record(1_000 * ms) }
        #expect(percentile(&window, 95) == 19 * ms)   // cached: 31 records since the sort
        window.record(1_000 * ms)
        // 52 samples: 1…20 and thirty-two 1000s; rank ⌈49.4⌉ = 50 is a 1000, rank ⌈15.6⌉ = 16 is 16.
        #expect(percentile(&window, 95) == 1_000 * ms)
        #expect(percentile(&window, 30) == 16 * ms)
    }

    @Test func negativeLatencyCountsAsZero() {
        var window = LatencyWindow(capacity: 2, minimumSamples: 1)
        window.record(-5)
        #expect(percentile(&window, 50) == 0)
    }

    @Test func outOfRangeSettingsArePulledIntoRange() {
        let window = LatencyWindow(capacity: 0, minimumSamples: 50, refreshInterval: -1)
        #expect(window.capacity == 1)
        #expect(window.minimumSamples == 1)
        #expect(window.refreshInterval == 1)
    }
}
