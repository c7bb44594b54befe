import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut hedging")
struct FanOutHedgeTests {
    @Test func hedgeFiresAtHedgeAfterAndWins() {
        var (fanOut, actions) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)],
                                                 deadline: 300))
        #expect(actions == [T.send(0, 0, replica: 0, timeoutAt: 200)])
        #expect(fanOut.nextWakeup == T.at(40))
        #expect(fanOut.advance(now: T.at(39)) == [])
        #expect(fanOut.advance(now: T.at(40)) == [T.send(0, 1, replica: 1, kind: .hedge, timeoutAt: 240)])
        #expect(fanOut.nextWakeup == T.at(200))
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(55))
                == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 55 * T.ms,
                                                      attempts: 2, hedged: true, wonBy: .hedge,
                                                      winningAttempt: T.id(0, 1)))
    }

    @Test func hedgeLosesToThePrimary() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)]))
        _ = fanOut.advance(now: T.at(40))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(60))
                == [T.abort(0, 1), .finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 60 * T.ms,
                                                      attempts: 2, hedged: true, wonBy: .primary,
                                                      winningAttempt: T.id(0, 0)))
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(61)) == [])
    }

    @Test func noHedgeWhenTheAnswerCameFirst() {
        var (fanOut, _) = T.started(T.plan([T.upstream(hedgeAfter: 40), T.upstream()]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(30)) == [])
        #expect(fanOut.nextWakeup == T.at(100))
        #expect(fanOut.advance(now: T.at(40)) == [])
        #expect(fanOut.outcomes[0].hedged == false)
        #expect(fanOut.outcomes[0].attempts == 1)
    }

    @Test func hedgeMaxTwoSpacesHedgesAndRotatesReplicas() {
        let upstream = T.upstream(timeout: 1_000, replicas: 3, primaryReplica: 1, hedgeAfter: 40, hedgeMax: 2)
        var (fanOut, actions) = T.started(T.plan([upstream], deadline: 500))
        #expect(actions == [T.send(0, 0, replica: 1, timeoutAt: 1_000)])
        #expect(fanOut.nextWakeup == T.at(40))
        #expect(fanOut.advance(now: T.at(40)) == [T.send(0, 1, replica: 2, kind: .hedge, timeoutAt: 1_040)])
        #expect(fanOut.nextWakeup == T.at(80))
        #expect(fanOut.advance(now: T.at(79)) == [])
        #expect(fanOut.advance(now: T.at(80)) == [T.send(0, 2, replica: 0, kind: .hedge, timeoutAt: 1_080)])
        // No third hedge: only the deadline is left.
        #expect(fanOut.nextWakeup == T.at(500))
        #expect(fanOut.attemptFinished(T.id(0, 2), .success(httpStatus: 200), now: T.at(90))
                == [T.abort(0, 0), T.abort(0, 1), .finish])
        #expect(fanOut.outcomes[0].attempts == 3)
        #expect(fanOut.outcomes[0].wonBy == .hedge)
    }

    @Test func nextHedgeCountsFromTheLateOne() {
        let upstream = T.upstream(timeout: 1_000, replicas: 2, hedgeAfter: 40, hedgeMax: 2)
        var (fanOut, _) = T.started(T.plan([upstream]))
        #expect(fanOut.advance(now: T.at(45)) == [T.send(0, 1, replica: 1, kind: .hedge, timeoutAt: 1_045)])
        #expect(fanOut.nextWakeup == T.at(85))
        // Two replicas: the second hedge is back on the primary's url, which is busy.
        #expect(fanOut.advance(now: T.at(85)) == [T.send(0, 2, replica: 0, kind: .hedge, fresh: true,
                                                         timeoutAt: 1_085)])
    }

    @Test func singleReplicaHedgeAsksForAFreshConnection() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, hedgeAfter: 30)]))
        #expect(fanOut.advance(now: T.at(30)) == [T.send(0, 1, replica: 0, kind: .hedge, fresh: true,
                                                         timeoutAt: 230)])
    }

    @Test func failedPrimaryWithHedgeInFlightWaitsForTheHedge() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)]))
        _ = fanOut.advance(now: T.at(40))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(50)) == [])
        #expect(fanOut.outcomes[0].status == nil)
        #expect(fanOut.attemptFinished(T.id(0, 1), .failure(.error, httpStatus: nil), now: T.at(70)) == [.finish])
        // The last failure is the one reported.
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .error, finishedAt: 70 * T.ms,
                                                      attempts: 2, hedged: true))
    }

    @Test func zeroHedgeDelaySendsBothAtStart() {
        let (_, actions) = T.started(T.plan([T.upstream(timeout: 100, replicas: 2, hedgeAfter: 0)]))
        #expect(actions == [T.send(0, 0, replica: 0, timeoutAt: 100),
                            T.send(0, 1, replica: 1, kind: .hedge, timeoutAt: 100)])
    }
}
