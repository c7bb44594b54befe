import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut completion rules")
struct FanOutRuleTests {
    @Test func allWaitsForEveryUpstream() {
        let plan = T.plan([T.upstream(timeout: 400), T.upstream(timeout: 400), T.upstream(timeout: 400)])
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 400), T.send(1, 0, timeoutAt: 400),
                            T.send(2, 0, timeoutAt: 400)])
        #expect(fanOut.nextWakeup == T.at(400))

        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(10)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20)) == [])
        #expect(!fanOut.isFinished)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 203), now: T.at(30)) == [.finish])

        #expect(fanOut.isFinished)
        #expect(fanOut.nextWakeup == nil)
        #expect(fanOut.outcomes == [
            UpstreamOutcome(status: .badStatus, httpStatus: 503, finishedAt: 20 * T.ms, attempts: 1),
            UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 10 * T.ms, attempts: 1,
                            wonBy: .primary, winningAttempt: T.id(1, 0)),
            UpstreamOutcome(status: .ok, httpStatus: 203, finishedAt: 30 * T.ms, attempts: 1,
                            wonBy: .primary, winningAttempt: T.id(2, 0)),
        ])
        #expect(fanOut.successCount == 2)
        #expect(fanOut.settledOrder == [1, 0, 2])
        #expect(fanOut.firstSuccess == 1)
        #expect(fanOut.responseStatus == 200)
        #expect(fanOut.isPartial)
    }

    @Test func quorumFinishesAtKAndCancelsTheRest() {
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream()], rule: .quorum, quorum: 2, minOK: 2)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(5)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(8))
                == [T.abort(1, 0), .finish])
        #expect(fanOut.outcomes[1] == UpstreamOutcome(status: .cancelled, finishedAt: 8 * T.ms, attempts: 1))
        #expect(fanOut.successCount == 2)
        #expect(fanOut.responseStatus == 200)
        #expect(!fanOut.isPartial)
    }

    @Test func quorumFinishesOnceKIsOutOfReach() {
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream()], rule: .quorum, quorum: 2, minOK: 2)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.error, httpStatus: nil), now: T.at(3)) == [])
        // One failure leaves 2 possible; the second leaves 1 < K.
        #expect(fanOut.attemptFinished(T.id(1, 0), .failure(.badStatus, httpStatus: 500), now: T.at(4))
                == [T.abort(2, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [.error, .badStatus, .cancelled])
        #expect(fanOut.responseStatus == 502)
    }

    @Test func quorumLargerThanTheUpstreamsFinishesAtStart() {
        let plan = T.plan([T.upstream(), T.upstream(skipped: true)], rule: .quorum, quorum: 2)
        let (fanOut, actions) = T.started(plan)
        #expect(actions == [.finish])
        #expect(fanOut.outcomes == [UpstreamOutcome(status: .cancelled, finishedAt: 0),
                                    UpstreamOutcome(status: .skipped, finishedAt: 0)])
        #expect(fanOut.responseStatus == 502)
    }

    @Test func firstWinsAfterEarlierFailures() {
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream(), T.upstream()], rule: .first)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.error, httpStatus: nil), now: T.at(2)) == [])
        #expect(fanOut.attemptFinished(T.id(1, 0), .failure(.badStatus, httpStatus: 404), now: T.at(3)) == [])
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 201), now: T.at(9))
                == [T.abort(3, 0), .finish])
        #expect(fanOut.firstSuccess == 2)
        #expect(fanOut.outcomes.map(\.status) == [.error, .badStatus, .ok, .cancelled])
        #expect(fanOut.outcomes[2].httpStatus == 201)
        #expect(fanOut.responseStatus == 200)
    }

    @Test func firstWithNoWinnerFinishesWhenTheLastOneFails() {
        let plan = T.plan([T.upstream(), T.upstream()], rule: .first)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(1, 0), .failure(.timeout, httpStatus: nil), now: T.at(50)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badBody, httpStatus: 200), now: T.at(60)) == [.finish])
        #expect(fanOut.firstSuccess == nil)
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .badBody, httpStatus: 200,
                                                      finishedAt: 60 * T.ms, attempts: 1))
        #expect(fanOut.responseStatus == 504)
    }

    @Test func skippedUpstreamsAreFinalAndNeverSent() {
        let plan = T.plan([T.upstream(), T.upstream(skipped: true), T.upstream()])
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 100), T.send(2, 0, timeoutAt: 100)])
        #expect(fanOut.outcomes[1] == UpstreamOutcome(status: .skipped, finishedAt: 0, attempts: 0))
        #expect(fanOut.settledOrder == [1])
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(1)) == [])
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(2)) == [.finish])
        #expect(fanOut.settledOrder == [1, 0, 2])
        #expect(fanOut.isPartial)
        #expect(fanOut.responseStatus == 200)
    }

    @Test func everyUpstreamSkippedFinishesAtStart() {
        let (fanOut, actions) = T.started(T.plan([T.upstream(skipped: true), T.upstream(skipped: true)]))
        #expect(actions == [.finish])
        #expect(fanOut.isFinished)
        #expect(fanOut.responseStatus == 502)
    }

    @Test func clientGoneAbortsAndCancelsEverything() {
        var (fanOut, _) = T.started(T.plan([T.upstream(), T.upstream(), T.upstream()]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10)) == [])
        #expect(fanOut.clientGone(now: T.at(50)) == [T.abort(1, 0), T.abort(2, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [.ok, .cancelled, .cancelled])
        #expect(fanOut.outcomes[1].finishedAt == 50 * T.ms)
        #expect(fanOut.nextWakeup == nil)
        // Nothing moves after the finish.
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(60)) == [])
        #expect(fanOut.advance(now: T.at(1_000)) == [])
        #expect(fanOut.clientGone(now: T.at(1_000)) == [])
        #expect(fanOut.start() == [])
        #expect(fanOut.outcomes[1].status == .cancelled)
    }

    @Test func eventsBeforeStartAreIgnored() {
        var fanOut = FanOut(plan: T.plan([T.upstream()]), now: T.start)
        #expect(fanOut.nextWakeup == nil)
        #expect(fanOut.advance(now: T.at(10)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10)) == [])
        #expect(fanOut.start() == [T.send(0, 0, timeoutAt: 100)])
        #expect(fanOut.start() == [])
    }

    @Test func emptyPlanFinishesAtStart() {
        let (fanOut, actions) = T.started(T.plan([], minOK: 0))
        #expect(actions == [.finish])
        #expect(fanOut.responseStatus == 200)
    }
}
