import Testing
@testable import GatherCore

/// The coordinator's part in stages: a dependent its shell cannot build, and a map's expansion.
@Suite struct AggregationCoordinatorStageTests {
    typealias C = AggregationCoordinatorTests
    typealias T = FanOutTesting

    @Test func aDependentThatCannotBeBuiltIsSkipped() throws {
        var dependent = C.upstream()
        dependent.needs = [0]
        var coordinator = C.coordinator([C.upstream(), dependent], progressive: true)
        _ = coordinator.start()
        let released = coordinator.attemptFinished(T.id(0, 0), .success(httpStatus: 200), payload: try C.answer("{}"),
                                                   detail: nil, now: 5 * C.ms)
        #expect(C.transfers(released).map(\.id) == [T.id(1, 0)])
        let skipped = coordinator.cannotSend(T.id(1, 0), replica: 0, detail: "needs user: /org_id missing", admitted: false,
                                             now: 5 * C.ms)
        #expect(!skipped.contains { if case .releaseSlot = $0 { return true } else { return false } })
        #expect(skipped.contains(.progress(upstream: 1)))
        #expect(skipped.last == .answer)
        #expect(coordinator.answerOutcomes[1].status == .skipped)
        #expect(coordinator.slots[1].detail == "needs user: /org_id missing")
    }

    @Test func aMapsExpansionAddsEntriesSlotsAndTransfersInItemOrder() throws {
        var coordinator = C.coordinator([C.upstream()], maxParallel: 2)
        let started = coordinator.start()
        #expect(C.transfers(started).map(\.id) == [T.id(0, 0)])
        let expanded = coordinator.expand(T.id(0, 0), into: 3, now: 1 * C.ms)
        // A map holds no max_in_flight place of its own: nothing to give back.
        #expect(!expanded.contains { if case .releaseSlot = $0 { return true } else { return false } })
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

extension AggregationCoordinatorStageTests {
    @Test func aParkedCallIsSentWhenItsPlaceIsGranted() throws {
        var coordinator = C.coordinator([C.upstream()])
        _ = coordinator.start()
        let expanded = coordinator.expand(T.id(0, 0), into: 2, now: 1 * C.ms)
        let calls = C.transfers(expanded)
        #expect(calls.map(\.id) == [T.id(1, 0), T.id(2, 0)])
        coordinator.park(calls[1], ticket: 9)
        #expect(coordinator.granted(upstream: 2, replica: 0, now: 3 * C.ms).map { action -> AttemptID? in
            if case .transfer(let request) = action { return request.id } else { return nil }
        } == [T.id(2, 0)])
    }
}
