import Testing
@testable import GatherCore

/// The coordinator driven as its shell would drive it, with a scripted transfer engine: every
/// `.transfer` it hands out is answered (or not) by the test, on a manual clock in ms.
@Suite struct AggregationCoordinatorTests {
    typealias T = FanOutTesting
    static let ms = FanOutTesting.ms

    static func upstream(timeout: Int64 = 100, replicas: Int = 1, hedgeAfter: Int64? = nil,
                         skipped: Bool = false) -> PlannedUpstream {
        PlannedUpstream(replicaCount: replicas, primaryReplica: 0, timeout: timeout * ms,
                        hedgeAfter: hedgeAfter.map { $0 * ms }, hedgeMax: 1, retry: nil, skipped: skipped)
    }

    static func coordinator(_ upstreams: [PlannedUpstream], maxParallel: Int = .max, deadline: Int64 = 500,
                            tickets: [UInt64?]? = nil, vote: (upstreams: Int, needed: Int)? = nil,
                            progressive: Bool = false) -> AggregationCoordinator {
        AggregationCoordinator(plan: T.plan(upstreams, maxParallel: maxParallel, deadline: deadline),
                               skipReasons: upstreams.map { $0.skipped ? "circuit open" : nil },
                               tickets: tickets ?? upstreams.map { _ in nil }, vote: vote, progressive: progressive)
    }

    static func transfers(_ actions: [AggregationCoordinator.Action]) -> [AttemptRequest] {
        actions.compactMap { if case .transfer(let request) = $0 { return request } else { return nil } }
    }

    static func answer(_ text: String) throws -> AttemptPayload {
        .indexed(UpstreamAnswer(body: try JSONDocument(indexing: Array(text.utf8))))
    }

    @Test func fansOutThenAnswersOnceEveryUpstreamIsDoneWithProgressFirst() throws {
        var coordinator = Self.coordinator([Self.upstream(), Self.upstream()], progressive: true)
        let started = coordinator.start()
        #expect(Self.transfers(started).map(\.id) == [T.id(0, 0), T.id(1, 0)])
        #expect(started.last == .schedule(at: 100 * Self.ms))
        let first = coordinator.attemptFinished(T.id(1, 0), .success(httpStatus: 200), payload: try Self.answer("[1]"),
                                                detail: nil, now: 5 * Self.ms)
        #expect(first == [.progress(upstream: 1)])
        let second = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: try Self.answer("[2]"),
                                                 detail: nil, now: 7 * Self.ms)
        #expect(second == [.progress(upstream: 0), .schedule(at: nil), .answer])
        #expect(coordinator.answerStatus == 200)
        #expect(coordinator.answerOutcomes.map(\.status) == [.ok, .ok])
        // A result after the answer changes nothing.
        #expect(coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: nil, detail: nil,
                                            now: 8 * Self.ms) == [])
    }

    @Test func aRefusedHedgeIsTakenBackAndNotCounted() {
        var coordinator = Self.coordinator([Self.upstream(timeout: 200, replicas: 2, hedgeAfter: 40)])
        _ = coordinator.start()
        let due = coordinator.timerFired(now: 40 * Self.ms)
        let hedge = Self.transfers(due).first
        #expect(hedge != nil)
        #expect(hedge?.kind == .hedge)
        #expect(hedge?.replica == 1)
        // The shell's budget says no: the hedge never went out.
        let afterRefusal = coordinator.refused(T.id(0, 1), now: 40 * Self.ms)
        #expect(Self.transfers(afterRefusal).isEmpty)
        let done = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: nil, detail: nil,
                                               now: 60 * Self.ms)
        #expect(done.last == .answer)
        #expect(coordinator.answerOutcomes[0].attempts == 1)
        #expect(coordinator.answerOutcomes[0].hedged == false)
    }

    @Test func aWaitingPrimaryGoesOutWhenItsPlaceIsGrantedToThatReplica() {
        var coordinator = Self.coordinator([Self.upstream(replicas: 3)], tickets: [42])
        let started = coordinator.start()
        #expect(Self.transfers(started).isEmpty, "parked until its max_in_flight place comes")
        let granted = coordinator.granted(upstream: 0, replica: 2, now: 3 * Self.ms)
        #expect(Self.transfers(granted).map(\.replica) == [2])
        // A second grant for the same upstream is not needed: its place goes straight back.
        #expect(coordinator.granted(upstream: 0, replica: 1, now: 4 * Self.ms) == [.releaseSlot(upstream: 0, replica: 1)])
    }

    @Test func aWaitTheDeadlineEndsIsWithdrawnAndReportedSkipped() {
        var coordinator = Self.coordinator([Self.upstream(), Self.upstream()], deadline: 50, tickets: [nil, 7])
        _ = coordinator.start()
        let deadline = coordinator.timerFired(now: 50 * Self.ms)
        #expect(deadline.contains(.withdrawWait(upstream: 1, ticket: 7)))
        #expect(deadline.contains(.abort(T.id(0, 0), .deadline)))
        #expect(deadline.last == .answer)
        // The shell's cancelWait succeeded, before it builds the answer.
        coordinator.waitEnded(upstream: 1)
        #expect(coordinator.answerOutcomes.map(\.status) == [.timeout, .skipped])
        #expect(coordinator.answerOutcomes[1].attempts == 0)
        #expect(coordinator.slots[1].detail == "max_in_flight: no slot before the deadline")
        #expect(coordinator.answerStatus == 504)
    }

    @Test func anAdmittedPrimaryNeverSentGivesItsPlaceBack() {
        // max_parallel 1: the second upstream's primary never goes out before the deadline.
        var coordinator = Self.coordinator([Self.upstream(timeout: 100), Self.upstream()], maxParallel: 1, deadline: 100)
        #expect(Self.transfers(coordinator.start()).map(\.id) == [T.id(0, 0)])
        let deadline = coordinator.timerFired(now: 100 * Self.ms)
        #expect(deadline.contains(.releaseSlot(upstream: 1, replica: 0)))
        #expect(deadline.last == .answer)
    }

    @Test func aVoteEndsTheFanOutAsSoonAsEnoughAgree() throws {
        var coordinator = Self.coordinator([Self.upstream(), Self.upstream(), Self.upstream()],
                                           vote: (upstreams: 3, needed: 2))
        _ = coordinator.start()
        _ = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: try Self.answer(#"{"v":1}"#),
                                        detail: nil, now: 2 * Self.ms)
        let agreed = coordinator.attemptFinished(T.id(2, 0), .success(httpStatus: 200),
                                                 payload: try Self.answer(#"{ "v" : 1.0 }"#), detail: nil, now: 3 * Self.ms)
        #expect(agreed.contains(.abort(T.id(1, 0), .notNeeded)))
        #expect(agreed.last == .answer)
        #expect(coordinator.answerOutcomes.map(\.status) == [.ok, .cancelled, .ok])
        #expect(coordinator.answerStatus == 200)
    }

    @Test func aVoteNoValueCanWinIs502() throws {
        var coordinator = Self.coordinator([Self.upstream(), Self.upstream()], vote: (upstreams: 2, needed: 2))
        _ = coordinator.start()
        _ = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: try Self.answer("1"),
                                        detail: nil, now: 2 * Self.ms)
        let done = coordinator.attemptFinished(T.id(1, 0), .success(httpStatus: 200), payload: try Self.answer("2"),
                                               detail: nil, now: 3 * Self.ms)
        #expect(done.last == .answer)
        #expect(coordinator.answerStatus == 502)
    }

    @Test func aClientThatLeftGetsNoAnswerButEverythingIsLetGo() {
        var coordinator = Self.coordinator([Self.upstream(timeout: 200, hedgeAfter: 40)], progressive: true)
        _ = coordinator.start()
        let gone = coordinator.clientGone(now: 10 * Self.ms)
        #expect(gone.contains(.abort(T.id(0, 0), .notNeeded)))
        #expect(gone.contains(.schedule(at: nil)))
        #expect(!gone.contains(.answer))
        #expect(!gone.contains(.progress(upstream: 0)))
        #expect(coordinator.answered)
        #expect(coordinator.clientGone(now: 11 * Self.ms) == [])
    }

    @Test func aFailureKeepsItsDetailAndASkippedUpstreamSettlesFirst() {
        var coordinator = Self.coordinator([Self.upstream(skipped: true), Self.upstream()], progressive: true)
        let started = coordinator.start()
        #expect(started == [.transfer(AttemptRequest(id: T.id(1, 0), replica: 0, kind: .primary, freshConnection: false,
                                                     timeoutAt: 100 * Self.ms)),
                            .progress(upstream: 0), .schedule(at: 100 * Self.ms)])
        let failed = coordinator.attemptFinished(T.id(1, 0), .failure(.error, httpStatus: nil), payload: nil,
                                                 detail: "connection refused", now: 1 * Self.ms)
        #expect(failed.last == .answer)
        #expect(coordinator.slots[1].detail == "connection refused")
        #expect(coordinator.slots[0].detail == "circuit open")
        #expect(coordinator.answerStatus == 502)
    }
}
