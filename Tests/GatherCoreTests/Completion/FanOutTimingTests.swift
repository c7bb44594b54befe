import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut deadline, timeouts and wakeups")
struct FanOutTimingTests {
    @Test func deadlineTimesOutAStalledUpstreamExactlyOnTime() {
        let plan = T.plan([T.upstream(timeout: 1_000), T.upstream(timeout: 1_000)], minOK: 2, deadline: 250)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10)) == [])
        // The attempt timeout (1000ms) lies past the deadline, so the deadline is next.
        #expect(fanOut.nextWakeup == T.at(250))
        #expect(fanOut.advance(now: T.at(250) - 1) == [])
        #expect(fanOut.advance(now: T.at(250)) == [T.abort(1, 0), .finish])
        #expect(fanOut.outcomes[1] == UpstreamOutcome(status: .timeout, finishedAt: 250 * T.ms, attempts: 1))
        #expect(fanOut.nextWakeup == nil)
        #expect(fanOut.responseStatus == 504)
    }

    @Test func lateDeadlineStillReportsTheDeadline() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 1_000)], deadline: 250))
        #expect(fanOut.advance(now: T.at(300)) == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes[0].finishedAt == 250 * T.ms)
    }

    @Test func resultAtTheDeadlineLosesToIt() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 1_000)], deadline: 250))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(250))
                == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes[0].status == .timeout)
    }

    @Test func deadlineTimesOutNeverSentUpstreams() {
        var (fanOut, actions) = T.started(T.plan([T.upstream(timeout: 1_000), T.upstream(timeout: 1_000)],
                                                 maxParallel: 1, deadline: 100))
        #expect(actions == [T.send(0, 0, timeoutAt: 1_000)])
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes == [UpstreamOutcome(status: .timeout, finishedAt: 100 * T.ms, attempts: 1),
                                    UpstreamOutcome(status: .timeout, finishedAt: 100 * T.ms, attempts: 0)])
    }

    @Test func zeroDeadlineFinishesAtStartWithoutSending() {
        let (fanOut, actions) = T.started(T.plan([T.upstream()], deadline: 0))
        #expect(actions == [.finish])
        #expect(fanOut.outcomes == [UpstreamOutcome(status: .timeout, finishedAt: 0, attempts: 0)])
        #expect(fanOut.responseStatus == 504)
    }

    @Test func attemptTimeoutAbortsAndEndsTheUpstream() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100), T.upstream(timeout: 300)]))
        #expect(fanOut.nextWakeup == T.at(100))
        #expect(fanOut.advance(now: T.at(99)) == [])
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0)])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .timeout, finishedAt: 100 * T.ms, attempts: 1))
        #expect(fanOut.nextWakeup == T.at(300))
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(120)) == [.finish])
        #expect(fanOut.responseStatus == 200)
    }

    @Test func resultArrivingAfterAnUnfiredTimeoutCountsAsTimeout() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100)]))
        // The driver's timer has not fired yet; the answer came 50ms too late anyway.
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(150))
                == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .timeout, finishedAt: 100 * T.ms, attempts: 1))
    }

    @Test func nextWakeupFollowsEveryTimer() {
        let plan = T.plan([T.upstream(timeout: 100, hedgeAfter: 30), T.upstream(timeout: 80)], deadline: 200)
        var fanOut = FanOut(plan: plan, now: T.start)
        #expect(fanOut.nextWakeup == nil)
        _ = fanOut.start()
        #expect(fanOut.nextWakeup == T.at(30))
        #expect(fanOut.advance(now: T.at(30)) == [T.send(0, 1, kind: .hedge, fresh: true, timeoutAt: 130)])
        #expect(fanOut.nextWakeup == T.at(80))
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(50)) == [])
        #expect(fanOut.nextWakeup == T.at(100))
        // The primary gives up; its hedge is still out, so the upstream is not done.
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0)])
        #expect(fanOut.outcomes[0].status == nil)
        #expect(fanOut.nextWakeup == T.at(130))
        #expect(fanOut.advance(now: T.at(130)) == [T.abort(0, 1), .finish])
        #expect(fanOut.outcomes[0] == UpstreamOutcome(status: .timeout, finishedAt: 130 * T.ms,
                                                      attempts: 2, hedged: true))
        #expect(fanOut.nextWakeup == nil)
    }

    @Test func lateAdvanceReplaysTimersInOrder() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, hedgeAfter: 30)]))
        // Hedge due at 30 and primary timeout at 100 both passed: the hedge goes out first
        // (stamped with the real time), so the primary's timeout does not end the upstream.
        #expect(fanOut.advance(now: T.at(120)) == [T.send(0, 1, kind: .hedge, fresh: true, timeoutAt: 220),
                                                   T.abort(0, 0)])
        #expect(fanOut.outcomes[0].status == nil)
        #expect(fanOut.nextWakeup == T.at(220))
    }

    @Test func lateResultsAndUnknownIDsAreIgnored() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 100, hedgeAfter: 40)]))
        _ = fanOut.advance(now: T.at(40))
        #expect(fanOut.advance(now: T.at(100)) == [T.abort(0, 0)])
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(101)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 7), .success(httpStatus: 200), now: T.at(102)) == [])
        #expect(fanOut.attemptFinished(T.id(5, 0), .success(httpStatus: 200), now: T.at(102)) == [])
        #expect(fanOut.attemptFinished(T.id(-1, -1), .success(httpStatus: 200), now: T.at(102)) == [])
        #expect(fanOut.outcomes[0].status == nil)
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(120)) == [.finish])
        #expect(fanOut.outcomes[0].wonBy == .hedge)
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(121)) == [])
    }

    @Test func clockGoingBackwardsNeverMovesTimeBack() {
        var (fanOut, _) = T.started(T.plan([T.upstream(), T.upstream()]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(20)) == [])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(10)) == [.finish])
        #expect(fanOut.outcomes[1].finishedAt == 20 * T.ms)
    }
}
