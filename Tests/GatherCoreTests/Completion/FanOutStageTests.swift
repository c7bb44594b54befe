import Testing
@testable import GatherCore

private typealias T = FanOutTesting

/// Dependent upstreams (`needs:`, `{from.…}`) and `required: true`, on a manual clock.
@Suite("FanOut stages and required upstreams")
struct FanOutStageTests {
    static func needing(_ needs: [Int], timeout: Int64 = 100, hedgeAfter: Int64? = nil,
                                replicas: Int = 1, required: Bool = false) -> PlannedUpstream {
        var upstream = T.upstream(timeout: timeout, replicas: replicas, hedgeAfter: hedgeAfter)
        upstream.needs = needs
        upstream.required = required
        return upstream
    }

    @Test func dependentsWaitAndAreReleasedAtTheInstantTheirNeedAnswers() {
        // 0 user; 1 orders (stage 1); 2 org needs 0; 3 team needs 0 and 2.
        let plan = T.plan([T.upstream(), T.upstream(), Self.needing([0]), Self.needing([0, 2])])
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 100), T.send(1, 0, timeoutAt: 100)])
        #expect(fanOut.isHeld(2) && fanOut.isHeld(3))
        // Orders answering releases nobody.
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(10)) == [])
        // The user answering releases org, and only org: team still needs org.
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(30))
                == [T.send(2, 0, timeoutAt: 130)])
        #expect(!fanOut.isHeld(2) && fanOut.isHeld(3))
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(45))
                == [T.send(3, 0, timeoutAt: 145)])
        #expect(fanOut.attemptFinished(T.id(3, 0), .success(httpStatus: 200), now: T.at(50)) == [.finish])
        #expect(fanOut.outcomes[3] == UpstreamOutcome(status: .ok, httpStatus: 200, finishedAt: 50 * T.ms,
                                                      attempts: 1, wonBy: .primary, winningAttempt: T.id(3, 0)))
        #expect(fanOut.responseStatus == 200)
    }

    @Test func aDependentListedFirstStillWaits() {
        var (fanOut, actions) = T.started(T.plan([Self.needing([1]), T.upstream()]))
        #expect(actions == [T.send(1, 0, timeoutAt: 100)])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(20))
                == [T.send(0, 0, timeoutAt: 120)])
    }

    @Test func aFailedNeedSkipsExactlyItsTransitiveDependents() {
        // 0 fails; 1 needs 0; 2 needs 1; 3 is independent; 4 needs 3.
        let plan = T.plan([T.upstream(), Self.needing([0]), Self.needing([1]), T.upstream(), Self.needing([3])])
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 100), T.send(3, 0, timeoutAt: 100)])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 503), now: T.at(20)) == [])
        #expect(fanOut.outcomes[1].status == .skipped)
        #expect(fanOut.outcomes[1].finishedAt == 20 * T.ms)
        #expect(fanOut.outcomes[1].attempts == 0)
        #expect(fanOut.outcomes[1].blockedBy == 0)
        #expect(fanOut.outcomes[1].blockedStatus == .badStatus)
        #expect(fanOut.outcomes[2].status == .skipped)
        #expect(fanOut.outcomes[2].blockedBy == 1)
        #expect(fanOut.outcomes[2].blockedStatus == .skipped)
        #expect(fanOut.outcomes[4].status == nil)
        #expect(fanOut.isHeld(4))
        #expect(fanOut.attemptFinished(T.id(3, 0), .success(httpStatus: 200), now: T.at(25))
                == [T.send(4, 0, timeoutAt: 125)])
        #expect(fanOut.attemptFinished(T.id(4, 0), .success(httpStatus: 200), now: T.at(30)) == [.finish])
        #expect(fanOut.isPartial)
        #expect(fanOut.settledOrder == [0, 1, 2, 3, 4])
    }

    @Test func theDeadlineCoversEveryStageAndSkipsThoseStillWaiting() {
        let plan = T.plan([T.upstream(timeout: 300), Self.needing([0], timeout: 300), T.upstream(timeout: 300),
                           Self.needing([2], timeout: 300)], deadline: 200)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(150))
                == [T.send(3, 0, timeoutAt: 450)])
        // One deadline for the plan: stage 2's own timeout (450) does not outlive it.
        #expect(fanOut.nextWakeup == T.at(200))
        #expect(fanOut.advance(now: T.at(200)) == [T.abort(0, 0), T.abort(3, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [.timeout, .skipped, .ok, .timeout])
        #expect(fanOut.outcomes[1].blockedStatus == .timeout)
        #expect(fanOut.responseStatus == 200)
    }

    @Test func aCancelledNeedCancelsItsDependentsWithoutMakingThemPartial() {
        let plan = T.plan([T.upstream(), Self.needing([0]), T.upstream()], rule: .quorum, quorum: 1)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(10)) == [T.abort(0, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [.cancelled, .cancelled, .ok])
        #expect(!fanOut.isPartial)
    }

    @Test func hedgingWorksInsideTheSecondStage() {
        let plan = T.plan([T.upstream(), Self.needing([0], timeout: 200, hedgeAfter: 40, replicas: 2)], deadline: 400)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(20))
                == [T.send(1, 0, timeoutAt: 220)])
        #expect(fanOut.nextWakeup == T.at(60))
        #expect(fanOut.advance(now: T.at(60)) == [T.send(1, 1, replica: 1, kind: .hedge, timeoutAt: 260)])
        #expect(fanOut.attemptFinished(T.id(1, 1), .success(httpStatus: 200), now: T.at(70)) == [T.abort(1, 0), .finish])
        #expect(fanOut.outcomes[1].wonBy == .hedge)
    }

    @Test func releasedDependentsShareMaxParallel() {
        // Two slots: 0 and 1 go; 2 waits for a slot; 3 needs 0.
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream(), Self.needing([0])], maxParallel: 2)
        var (fanOut, actions) = T.started(plan)
        #expect(actions == [T.send(0, 0, timeoutAt: 100), T.send(1, 0, timeoutAt: 100)])
        // 0's slot goes to 2, which waited first; 3 is released but has no slot yet.
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10))
                == [T.send(2, 0, timeoutAt: 110)])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(12))
                == [T.send(3, 0, timeoutAt: 112)])
    }

    @Test func cannotSendSkipsTheDependentAndItsOwn() {
        let plan = T.plan([T.upstream(), Self.needing([0]), Self.needing([1]), T.upstream(timeout: 300)],
                          deadline: 400)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10))
                == [T.send(1, 0, timeoutAt: 110)])
        #expect(fanOut.cannotSend(T.id(1, 0), now: T.at(10)) == [])
        #expect(fanOut.outcomes[1] == UpstreamOutcome(status: .skipped, finishedAt: 10 * T.ms, attempts: 0))
        #expect(fanOut.outcomes[2].status == .skipped)
        #expect(fanOut.outcomes[2].blockedBy == 1)
        #expect(fanOut.nextWakeup == T.at(300))
    }

    @Test func aNeedSkippedFromTheStartSkipsItsDependentsAtOnce() {
        var skipped = T.upstream()
        skipped.skipped = true
        var (fanOut, actions) = T.started(T.plan([skipped, Self.needing([0]), T.upstream()]))
        #expect(actions == [T.send(2, 0, timeoutAt: 100)])
        #expect(fanOut.outcomes[1].status == .skipped)
        #expect(fanOut.outcomes[1].blockedStatus == .skipped)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(5)) == [.finish])
    }

    // MARK: required

    @Test func aFailedRequiredUpstreamEndsTheAnswerAtOnceWhateverMinOK() {
        var user = T.upstream()
        user.required = true
        let plan = T.plan([user, T.upstream(timeout: 300), T.upstream(timeout: 300)], minOK: 1, deadline: 400)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(5)) == [])
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.badStatus, httpStatus: 500), now: T.at(8))
                == [T.abort(2, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [.badStatus, .ok, .cancelled])
        #expect(fanOut.responseStatus == 502)
    }

    @Test func aRequiredUpstreamThatTimesOutIs504() {
        var user = T.upstream(timeout: 50)
        user.required = true
        var (fanOut, _) = T.started(T.plan([user, T.upstream()], minOK: 1))
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(5)) == [])
        #expect(fanOut.advance(now: T.at(50)) == [T.abort(0, 0), .finish])
        #expect(fanOut.responseStatus == 504)
    }

    @Test func quorumWaitsForARequiredUpstream() {
        var slow = T.upstream(timeout: 300)
        slow.required = true
        let plan = T.plan([T.upstream(), T.upstream(), slow], rule: .quorum, quorum: 2, deadline: 400)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(5)) == [])
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(6)) == [])
        #expect(!fanOut.isFinished)
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(90)) == [.finish])
        #expect(fanOut.responseStatus == 200)
    }

    @Test func aRequiredUpstreamSkippedByItsCircuitAnswers502WithoutSending() {
        var user = T.upstream()
        user.required = true
        user.skipped = true
        let (fanOut, actions) = T.started(T.plan([user, T.upstream()]))
        #expect(actions == [.finish])
        #expect(fanOut.outcomes.map(\.status) == [.skipped, .cancelled])
        #expect(fanOut.responseStatus == 502)
    }
}

extension FanOutStageTests {
    @Test func aDependentOfTwoNamesTheNeedThatFailed() {
        // 2 needs 0 and 1, and 1 needs 0: when 0 fails, 2 reads "needs 0", not "needs 1: skipped".
        var (fanOut, _) = T.started(T.plan([T.upstream(), Self.needing([0]), Self.needing([0, 1])]))
        #expect(fanOut.attemptFinished(T.id(0, 0), .failure(.timeout, httpStatus: nil), now: T.at(5)) == [.finish])
        #expect(fanOut.outcomes[2].blockedBy == 0)
        #expect(fanOut.outcomes[2].blockedStatus == .timeout)
        #expect(fanOut.settledOrder == [0, 1, 2])
    }
}
