import Foundation

/// Times a closure the way a micro-benchmark must on a shared machine: a warm-up first, then
/// many short batches, keeping the best batch (least disturbed by other processes) and the
/// median (what a typical batch saw).
enum Stopwatch {
    struct Measurement {
        var bestNanoseconds: Double
        var medianNanoseconds: Double
        var calls: Int
    }

    /// Results of the timed closure are summed here and printed at the end, so the optimiser
    /// cannot drop the work.
    nonisolated(unsafe) static var sink = 0

    /// `GATHERBENCH_CALLS=N`: run each case exactly N times and time nothing, for counting
    /// instructions under callgrind (repeatable where timings on a shared machine are not).
    static let fixedCalls: Int? = ProcessInfo.processInfo.environment["GATHERBENCH_CALLS"].flatMap { Int($0) }

    static func measure(minimumSeconds: Double = 0.3, _ body: () -> Int) -> Measurement {
        if let fixedCalls {
            for _ in 0..<fixedCalls { sink &+= body() }
            return Measurement(bestNanoseconds: 1, medianNanoseconds: 1, calls: fixedCalls)
        }
        let clock = ContinuousClock()
        // Warm-up: caches, allocator and branch predictors settle; also sizes the batches.
        var warmupCalls = 0
        let warmupStart = clock.now
        while seconds(warmupStart.duration(to: clock.now)) < 0.05 || warmupCalls < 3 {
            sink &+= body()
            warmupCalls += 1
        }
        let perCall = seconds(warmupStart.duration(to: clock.now)) / Double(warmupCalls)
        let batchSize = max(1, Int(0.01 / perCall))

        var perCallNanoseconds: [Double] = []
        var calls = 0
        let start = clock.now
        while seconds(start.duration(to: clock.now)) < minimumSeconds || perCallNanoseconds.count < 10 {
            let batchStart = clock.now
            for _ in 0..<batchSize { sink &+= body() }
            perCallNanoseconds.append(seconds(batchStart.duration(to: clock.now)) * 1e9 / Double(batchSize))
            calls += batchSize
        }
        perCallNanoseconds.sort()
        return Measurement(bestNanoseconds: perCallNanoseconds[0],
                           medianNanoseconds: perCallNanoseconds[perCallNanoseconds.count / 2], calls: calls)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
