import Testing
@testable import GatherCore

private typealias T = FanOutTesting

/// Every abort says why, so the driver can tell the upstream's health what it means.
@Suite("FanOut abort reasons")
struct FanOutAbortReasonTests {
    @Test func aPrimaryOvertakenByItsHedge() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)], deadline: 300))
        _ = fanOut.advance(now: T.at(40))
        #expect(fanOut.abortReason(of: T.id(0, 0)) == nil)                 // still running
        #expect(fanOut.attemptFinished(T.id(0, 1), .success(httpStatus: 200), now: T.at(55)) == [T.abort(0, 0), .finish])
        #expect(fanOut.abortReason(of: T.id(0, 0)) == .overtaken)
        #expect(fanOut.abortReason(of: T.id(0, 1)) == nil)                 // it answered
    }

    @Test func anAttemptPastItsTimeout() {
        let retry = PlannedRetry(attempts: 1, on: RetryTriggers(timeout: true))
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 50, retry: retry)], deadline: 300))
        #expect(fanOut.advance(now: T.at(50)) == [T.abort(0, 0), T.send(0, 1, kind: .retry, timeoutAt: 100)])
        #expect(fanOut.abortReason(of: T.id(0, 0)) == .timedOut)
    }

    @Test func theDeadlineAndAMetRule() {
        var (slow, _) = T.started(T.plan([T.upstream(timeout: 100)], deadline: 80))
        #expect(slow.advance(now: T.at(80)) == [T.abort(0, 0), .finish])
        #expect(slow.abortReason(of: T.id(0, 0)) == .deadline)

        var (first, _) = T.started(T.plan([T.upstream(), T.upstream()], rule: .first))
        #expect(first.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10)) == [T.abort(1, 0), .finish])
        #expect(first.abortReason(of: T.id(1, 0)) == .notNeeded)

        var (gone, _) = T.started(T.plan([T.upstream()]))
        _ = gone.clientGone(now: T.at(5))
        #expect(gone.abortReason(of: T.id(0, 0)) == .notNeeded)
        #expect(gone.abortReason(of: T.id(3, 0)) == nil)                   // unknown
    }
}
