import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut max_parallel")
struct FanOutParallelTests {
    @Test func primariesWaitForFreeSlotsInRouteOrder() {
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream(), T.upstream()], maxParallel: 2, deadline: 1_000)
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 100), T.send(1, 0, timeoutAt: 100)])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(10))
                == [T.send(2, 0, timeoutAt: 110)])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.error, httpStatus: nil), now: T.at(20))
                == [T.send(3, 0, timeoutAt: 120)])
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(30)) == [])
        #expect(fanOut.attemptFinished(T.id(3, 0), .success(httpStatus: 200), now: T.at(40)) == [.finish])
        #expect(fanOut.outcomes.map(\.attempts) == [1, 1, 1, 1])
    }

    @Test func aTimeoutFreesASlot() {
        var (fanOut, _) = T.started(T.plan([T.upstream(), T.upstream()], maxParallel: 1))
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0), T.send(1, 0, timeoutAt: 200)])
    }

    @Test func skippedUpstreamsTakeNoSlot() {
        let plan = T.plan([T.upstream(skipped: true), T.upstream(), T.upstream(skipped: true), T.upstream()],
                          maxParallel: 1)
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(1, 0, timeoutAt: 100)])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(5))
                == [T.send(3, 0, timeoutAt: 105)])
    }

    @Test func hedgeWaitsForASlot() {
        let plan = T.plan([T.upstream(timeout: 100, replicas: 2, hedgeAfter: 10), T.upstream()], maxParallel: 2)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.advance(now: T.at(10)) == [])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(15))
                == [T.send(0, 1, replica: 1, kind: .hedge, timeoutAt: 115)])
        #expect(fanOut.outcomes[0].hedged)
    }

    @Test func queuedHedgeIsDroppedWhenThePrimaryAnswers() {
        let plan = T.plan([T.upstream(timeout: 100, hedgeAfter: 10), T.upstream(), T.upstream()], maxParallel: 2)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.advance(now: T.at(10)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(12))
                == [T.send(2, 0, timeoutAt: 112)])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(14)) == [])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 12 * T.ms,
                                                      attempts: 1, wonBy: .primary,
                                                      winningAttempt: T.id(0, 0)))
    }

    @Test func zeroMaxParallelStillSendsOneAtATime() {
        let (_, actions) = T.started(T.plan([T.upstream(), T.upstream()], maxParallel: 0))
        #expect(actions == [T.send(0, 0, timeoutAt: 100)])
    }
}
