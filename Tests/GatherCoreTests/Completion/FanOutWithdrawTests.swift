import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut withdrawn attempts (a budget or the breaker said no)")
struct FanOutWithdrawTests {
    @Test func withdrawnHedgeIsNotAnAttemptAndStopsHedging() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40, hedgeMax: 2)],
                                           deadline: 300))
        #expect(fanOut.advance(now: T.at(40)) == [T.send(0, 1, replica: 1, kind: .hedge, timeoutAt: 240)])
        #expect(fanOut.withdraw(T.id(0, 1), now: T.at(40)) == [])
        #expect(fanOut.outcomes[0].attempts == 1)
        #expect(fanOut.outcomes[0].hedged == false)
        // No second hedge at 80ms: the next timer is the primary's timeout.
        #expect(fanOut.nextWakeup == T.at(200))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(90)) == [.finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 90 * T.ms,
                                                      attempts: 1, hedged: false, wonBy: .primary,
                                                      winningAttempt: T.id(0, 0)))
    }

    @Test func withdrawnRetryEndsTheUpstreamWithItsLastFailure() {
        let retry = PlannedRetry(attempts: 1, on: RetryTriggers(status5xx: true), backoff: 10 * T.ms)
        var (fanOut, _) = T.started(T.plan([T.upstream(retry: retry), T.upstream()]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(5)) == [])
        #expect(fanOut.advance(now: T.at(15)) == [T.send(0, 1, kind: .retry, timeoutAt: 115)])
        #expect(fanOut.withdraw(T.id(0, 1), now: T.at(15)) == [])
        #expect(fanOut.outcomes[0].status == .badStatus)
        #expect(fanOut.outcomes[0].httpStatus == 503)
        #expect(fanOut.outcomes[0].attempts == 1)
        // A later attempt id of another upstream still resolves: serials are per upstream.
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(20)) == [.finish])
        #expect(fanOut.responseStatus == 200)
    }

    @Test func withdrawingTwiceOrAfterTheAnswerDoesNothing() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)]))
        _ = fanOut.advance(now: T.at(40))
        #expect(fanOut.withdraw(T.id(0, 1), now: T.at(40)) == [])
        #expect(fanOut.withdraw(T.id(0, 1), now: T.at(41)) == [])
        #expect(fanOut.outcomes[0].attempts == 1)
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(42)) == [])
        #expect(fanOut.outcomes[0].status == nil)
    }

    @Test func aHedgeDueInTheStepThatFinishesIsNeverRequested() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)]))
        // The primary's answer is handled just after the hedge came due (no wakeup in between):
        // the hedge would go out only to be aborted by the same step, so it is not asked for.
        let actions = fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(41))
        #expect(actions == [.finish])
        #expect(fanOut.outcomes[0].attempts == 1)
        #expect(fanOut.outcomes[0].hedged == false)
        #expect(fanOut.outcomes[0].wonBy == .primary)
        #expect(fanOut.abortReason(of: T.id(0, 1)) == nil)
        // A late withdrawal of it changes nothing.
        #expect(fanOut.withdraw(T.id(0, 1), now: T.at(41)) == [])
        #expect(fanOut.outcomes[0].attempts == 1)
    }

    @Test func aHedgeDueJustBeforeALateDeadlineWakeupIsNeverRequested() {
        // The wakeup for the hedge at 90 comes late, at the deadline: both fall due in one step.
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, replicas: 2, hedgeAfter: 90)], deadline: 100))
        let actions = fanOut.advance(now: T.at(100))
        #expect(!actions.contains { if case .send = $0 { return true } else { return false } })
        #expect(actions.last == .finish)
        #expect(fanOut.outcomes[0].attempts == 1)
        #expect(fanOut.outcomes[0].status == .timeout)
    }
}
