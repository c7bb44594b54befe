import Testing
@testable import GatherCore

private typealias T = FanOutTesting

/// Jittered, doubling backoff and the "can it still answer in time" rule for retries.
@Suite("FanOut retry pacing")
struct FanOutRetryPacingTests {
    private static let on5xx = RetryTriggers(status5xx: true)

    private func retryInstant(seed: UInt64?, backoff: Int64 = 10) -> Int64? {
        var plan = T.plan([T.upstream(timeout: 100, retry: PlannedRetry(attempts: 1, on: Self.on5xx, backoff: backoff * T.ms))])
        plan.retryJitterSeed = seed
        var (fanOut, _) = T.started(plan)
        _ = fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20))
        return fanOut.nextWakeup
    }

    @Test func jitterDrawsFromHalfToOneAndAHalfBackoffsReproduciblyBySeed() throws {
        #expect(retryInstant(seed: nil) == T.at(30))
        var instants: Set<Int64> = []
        for seed: UInt64 in 1...20 {
            let instant = try #require(retryInstant(seed: seed))
            #expect(instant >= T.at(25) && instant < T.at(35))
            #expect(retryInstant(seed: seed) == instant)
            instants.insert(instant)
        }
        #expect(instants.count > 10, "the seeds must spread the retries")
    }

    /// The jitter factor is 0.5 + the generator's first unit draw.
    @Test func jitterUsesThePlansGenerator() {
        var generator = SplitMixGenerator(seed: 9)
        let factor = 0.5 + generator.nextUnit()
        #expect(retryInstant(seed: 9) == T.at(20) + Int64(Double(10 * T.ms) * factor))
    }

    @Test func eachFurtherRetryWaitsTwiceAsLong() {
        let retry = PlannedRetry(attempts: 3, on: Self.on5xx, backoff: 10 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)], deadline: 1_000))
        _ = fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20))
        #expect(fanOut.nextWakeup == T.at(30))
        _ = fanOut.advance(now: T.at(30))
        _ = fanOut.attemptFinished(T.id(0, 1), .failure(.badStatus, httpStatus: 503), now: T.at(40))
        #expect(fanOut.nextWakeup == T.at(60))
        _ = fanOut.advance(now: T.at(60))
        _ = fanOut.attemptFinished(T.id(0, 2), .failure(.badStatus, httpStatus: 503), now: T.at(70))
        #expect(fanOut.nextWakeup == T.at(110))
    }

    /// Deadline 100ms, backoff 10ms, expected latency 50ms: a failure at 30ms retries at 40ms
    /// (done by ~90ms); a failure at 45ms would retry at 55ms and answer past the deadline.
    @Test func noRetryThatCannotAnswerBeforeTheDeadline() {
        let retry = PlannedRetry(attempts: 1, on: Self.on5xx, backoff: 10 * T.ms, expectedLatency: 50 * T.ms)
        var (early, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)], deadline: 100))
        #expect(early.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(30)) == [])
        #expect(early.nextWakeup == T.at(40))

        var (late, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)], deadline: 100))
        #expect(late.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(45)) == [.finish])
        #expect(late.outcomes[0] == UpstreamOutcome(status: .badStatus, httpStatus: 503, finishedAt: 45 * T.ms,
                                                    attempts: 1))
    }
}
