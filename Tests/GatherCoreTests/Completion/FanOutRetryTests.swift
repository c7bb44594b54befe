import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut retries")
struct FanOutRetryTests {
    static let everyTrigger = RetryTriggers(error: true, timeout: true, status5xx: true, status429: true)

    @Test func retriesA5xxAfterTheBackoff() {
        let retry = PlannedRetry(attempts: 2, on: RetryTriggers(status5xx: true), backoff: 10 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20)) == [])
        #expect(fanOut.outcomes[0].status == nil)
        #expect(fanOut.nextWakeup == T.at(30))
        #expect(fanOut.advance(now: T.at(29)) == [])
        #expect(fanOut.advance(now: T.at(30)) == [T.send(0, 1, kind: .retry, timeoutAt: 130)])
        #expect(fanOut.attemptFinished(T.id(0, 1), .failure(.badStatus, httpStatus: 502), now: T.at(40)) == [])
        #expect(fanOut.nextWakeup == T.at(60))                  // the second retry waits 2 × 10ms
        #expect(fanOut.advance(now: T.at(60)) == [T.send(0, 2, kind: .retry, timeoutAt: 160)])
        #expect(fanOut.attemptFinished(T.id(0, 2), .success(httpStatus: 200), now: T.at(70)) == [.finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 70 * T.ms,
                                                      attempts: 3, wonBy: .retry,
                                                      winningAttempt: T.id(0, 2)))
    }

    @Test func exhaustedRetriesReportTheLastFailure() {
        let retry = PlannedRetry(attempts: 1, on: Self.everyTrigger, backoff: 0)
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)]))
        // Zero backoff: the retry goes out in the same breath.
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20))
                == [T.send(0, 1, kind: .retry, timeoutAt: 120)])
        #expect(fanOut.attemptFinished(T.id(0, 1), .failure(.error, httpStatus: nil), now: T.at(25)) == [.finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .error, finishedAt: 25 * T.ms, attempts: 2))
        #expect(fanOut.responseStatus == 502)
    }

    @Test func noRetryOnA4xx() {
        let retry = PlannedRetry(attempts: 3, on: Self.everyTrigger, backoff: 5 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: retry)]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 404), now: T.at(20)) == [.finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .badStatus, httpStatus: 404,
                                                      finishedAt: 20 * T.ms, attempts: 1))
    }

    @Test func noRetryOnABadBody() {
        let retry = PlannedRetry(attempts: 3, on: Self.everyTrigger)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: retry)]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badBody, httpStatus: 200), now: T.at(20)) == [.finish])
    }

    @Test func retries429OnlyWhenAsked() {
        let with429 = PlannedRetry(attempts: 1, on: RetryTriggers(status429: true), backoff: 5 * T.ms)
        let without429 = PlannedRetry(attempts: 1, on: RetryTriggers(status5xx: true), backoff: 5 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: with429), T.upstream(retry: without429)]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 429), now: T.at(10)) == [])
        #expect(fanOut.attemptFinished(T.id(1, 0), .failure(.badStatus, httpStatus: 429), now: T.at(11)) == [])
        #expect(fanOut.outcomes.map(\.status) == [nil, .badStatus])
        #expect(fanOut.advance(now: T.at(15)) == [T.send(0, 1, kind: .retry, timeoutAt: 115)])
    }

    @Test func retriesATimeoutRightAway() {
        let retry = PlannedRetry(attempts: 1, on: RetryTriggers(timeout: true))
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, retry: retry)]))
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0), T.send(0, 1, kind: .retry, timeoutAt: 200)])
    }

    @Test func retriesRotateReplicas() {
        let retry = PlannedRetry(attempts: 2, on: RetryTriggers(error: true))
        var (fanOut, actions) = T.started(T.plan([T.upstream(replicas: 2, primaryReplica: 1, retry: retry)]))
        #expect(actions == [T.send(0, 0, replica: 1, timeoutAt: 100)])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.error, httpStatus: nil), now: T.at(10))
                == [T.send(0, 1, replica: 0, kind: .retry, timeoutAt: 110)])
        #expect(fanOut.attemptFinished(T.id(0, 1), .failure(.error, httpStatus: nil), now: T.at(20))
                == [T.send(0, 2, replica: 1, kind: .retry, timeoutAt: 120)])
    }

    @Test func noRetryThatCouldNotStartBeforeTheDeadline() {
        let retry = PlannedRetry(attempts: 1, on: RetryTriggers(status5xx: true), backoff: 300 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: retry)], deadline: 250))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 500), now: T.at(20)) == [.finish])
        #expect(fanOut.outcomes[0].status == .badStatus)
        #expect(fanOut.outcomes[0].attempts == 1)
    }

    @Test func deadlineDuringBackoffIsATimeout() {
        let retry = PlannedRetry(attempts: 1, on: RetryTriggers(error: true), backoff: 100 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: retry)], deadline: 150))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.error, httpStatus: nil), now: T.at(20)) == [])
        #expect(fanOut.nextWakeup == T.at(120))
        _ = fanOut.advance(now: T.at(120))
        #expect(fanOut.advance(now: T.at(150)) == [T.abort(0, 1), .finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .timeout, finishedAt: 150 * T.ms, attempts: 2))
    }

    @Test func triggerTable() {
        let triggers = Self.everyTrigger
        #expect(triggers.matches(.error, httpStatus: nil))
        #expect(triggers.matches(.timeout, httpStatus: nil))
        #expect(triggers.matches(.badStatus, httpStatus: 500))
        #expect(triggers.matches(.badStatus, httpStatus: 599))
        #expect(triggers.matches(.badStatus, httpStatus: 429))
        #expect(!triggers.matches(.badStatus, httpStatus: 600))
        #expect(!triggers.matches(.badStatus, httpStatus: 404))
        #expect(!triggers.matches(.badStatus, httpStatus: nil))
        #expect(!triggers.matches(.badBody, httpStatus: 200))
        #expect(!triggers.matches(.tooLarge, httpStatus: 200))
        #expect(!RetryTriggers().matches(.error, httpStatus: nil))
    }
}
