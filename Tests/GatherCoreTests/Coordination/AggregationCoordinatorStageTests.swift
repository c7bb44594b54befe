import Testing
@testable import GatherCore

/// The coordinator's part in stages: a dependent its shell cannot build, and a map's expansion.
@Suite struct AggregationCoordinatorStageTests {
    typealias C = AggregationCoordinatorTests
    typealias T = FanOutTesting

    @Test func aDependentThatCannotBeBuiltIsSkippedAndItsPlaceGoesBack() throws {
        var dependent = C.upstream()
        dependent.needs = [0]
        var coordinator = C.coordinator([C.upstream(), dependent], progressive: true)
        _ = coordinator.start()
        let released = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: try C.answer("{}"),
                                                   detail: nil, now: 5 * C.ms)
        #expect(C.transfers(released).map(\.id) == [T.id(1, 0)])
        let skipped = coordinator.cannotSend(T.id(1, 0), replica: 0, detail: "needs user: /org_id missing", now: 5 * C.ms)
        #expect(skipped.first == .releaseSlot(upstream: 1, replica: 0))
        #expect(skipped.contains(.progress(upstream: 1)))
        #expect(skipped.last == .answer)
        #expect(coordinator.answerOutcomes[1].status == .skipped)
        #expect(coordinator.slots[1].detail == "needs user: /org_id missing")
    }

    @Test func aMapsExpansionAddsEntriesSlotsAndTransfersInItemOrder() throws {
        var coordinator = C.coordinator([C.upstream()], maxParallel: 2)
        let started = coordinator.start()
        #expect(C.transfers(started).map(\.id) == [T.id(0, 0)])
        let expanded = coordinator.expand(T.id(0, 0), replica: 0, into: 3, now: 1 * C.ms)
        #expect(expanded.first == .releaseSlot(upstream: 0, replica: 0))
        #expect(C.transfers(expanded).map(\.id) == [T.id(1, 0), T.id(2, 0)])
        #expect(coordinator.entryUpstream == [0, 0, 0, 0])
        #expect(coordinator.entryCall == [nil, 0, 1, 2])
        #expect(coordinator.slots.count == 4)
        #expect(coordinator.isMapCall(2) && !coordinator.isMapCall(0))
        let next = coordinator.attemptFinished(T.id(2, 0), .success(httpStatus: 200), payload: try C.answer("[1]"),
                                               detail: nil, now: 2 * C.ms)
        #expect(C.transfers(next).map(\.id) == [T.id(3, 0)])
    }
}
