import Testing
@testable import GatherCore

private typealias T = FanOutTesting

/// Maps (`each:`): a map's primary becomes its calls, which share max_parallel and the deadline.
@Suite("FanOut maps")
struct FanOutMapTests {
    @Test func aReleasedMapBecomesItsCallsSentInItemOrderWithinMaxParallel() {
        // 0 search; 1 price maps over it; two slots.
        let plan = T.plan([T.upstream(), FanOutStageTests.needing([0])], maxParallel: 2)
        var (fanOut, _) = T.started(plan)
        #expect(fanOut.attemptFinished(T.id(0, 0), .success(httpStatus: 200), now: T.at(10))
                == [T.send(1, 0, timeoutAt: 110)])
        // The driver knows the items now: five calls, entries 2…6; two go at once.
        let (calls, actions) = fanOut.expand(T.id(1, 0), into: 5, now: T.at(10))
        #expect(calls == 2..<7)
        #expect(actions == [T.send(2, 0, timeoutAt: 110), T.send(3, 0, timeoutAt: 110)])
        #expect(fanOut.outcomes[1].calls == 2..<7)
        #expect(fanOut.outcomes[1].attempts == 0)
        #expect(fanOut.attemptFinished(T.id(3, 0), .success(httpStatus: 200), now: T.at(12)) == [T.send(4, 0, timeoutAt: 112)])
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(13)) == [T.send(5, 0, timeoutAt: 113)])
        #expect(fanOut.attemptFinished(T.id(4, 0), .failure(.badStatus, httpStatus: 503), now: T.at(14))
                == [T.send(6, 0, timeoutAt: 114)])
        #expect(fanOut.attemptFinished(T.id(5, 0), .success(httpStatus: 200), now: T.at(15)) == [])
        #expect(fanOut.attemptFinished(T.id(6, 0), .success(httpStatus: 200), now: T.at(16)) == [.finish])
        #expect(fanOut.successCount == 5)
        #expect(fanOut.isPartial)
        #expect(fanOut.settledOrder == [0, 3, 2, 4, 5, 6])
    }

    @Test func anEmptyMapIsOkAtOnce() {
        var (fanOut, actions) = T.started(T.plan([T.upstream()]))
        #expect(actions == [T.send(0, 0, timeoutAt: 100)])
        let (calls, finish) = fanOut.expand(T.id(0, 0), into: 0, now: T.at(1))
        #expect(calls.isEmpty)
        #expect(finish == [.finish])
        #expect(fanOut.outcomes[0].status == .ok)
        #expect(fanOut.outcomes[0].attempts == 0)
        #expect(fanOut.responseStatus == 200)
    }

    @Test func minOKAsAPercentageCountsTheCalls() {
        var plan = T.plan([T.upstream()], minOK: 1)
        plan.minOKPercent = 95
        var (fanOut, _) = T.started(plan)
        _ = fanOut.expand(T.id(0, 0), into: 20, now: T.at(1))
        #expect(fanOut.minOKNeeded == 19)
        for call in 1...20 {
            let result: FanOut.AttemptResult = call == 4 ? .failure(.timeout, httpStatus: nil) : .success(httpStatus: 200)
            _ = fanOut.attemptFinished(T.id(call, 0), result, now: T.at(2))
        }
        #expect(fanOut.isFinished)
        #expect(fanOut.responseStatus == 200)
        #expect(fanOut.isPartial)
    }

    @Test func theDeadlineEndsAMapsCallsWithEverythingElse() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 400)], maxParallel: 1, deadline: 300))
        _ = fanOut.expand(T.id(0, 0), into: 3, now: T.at(1))
        #expect(fanOut.attemptFinished(T.id(1, 0), .success(httpStatus: 200), now: T.at(100)) == [T.send(2, 0, timeoutAt: 500)])
        #expect(fanOut.advance(now: T.at(300)) == [T.abort(2, 0), .finish])
        #expect(fanOut.outcomes.map(\.status) == [nil, .ok, .timeout, .timeout])
        #expect(fanOut.outcomes[3].attempts == 0)
    }

    @Test func quorumAcrossAMapCancelsTheCallsNotNeeded() {
        var map = T.upstream()
        map.isMap = true
        var (fanOut, _) = T.started(T.plan([map], rule: .quorum, quorum: 2, maxParallel: 3))
        let (_, actions) = fanOut.expand(T.id(0, 0), into: 4, now: T.at(1))
        #expect(actions == [T.send(1, 0, timeoutAt: 101), T.send(2, 0, timeoutAt: 101), T.send(3, 0, timeoutAt: 101)])
        #expect(fanOut.attemptFinished(T.id(2, 0), .success(httpStatus: 200), now: T.at(5)) == [T.send(4, 0, timeoutAt: 105)])
        #expect(fanOut.attemptFinished(T.id(4, 0), .success(httpStatus: 200), now: T.at(6))
                == [T.abort(1, 0), T.abort(3, 0), .finish])
        #expect(fanOut.outcomes[1...].map(\.status) == [.cancelled, .ok, .cancelled, .ok])
        #expect(!fanOut.isPartial)
    }

    @Test func hedgingWorksForAMapsCalls() {
        var (fanOut, _) = T.started(T.plan([T.upstream(timeout: 200, replicas: 2, hedgeAfter: 30)], deadline: 400))
        _ = fanOut.expand(T.id(0, 0), into: 1, now: T.at(0))
        #expect(fanOut.nextWakeup == T.at(30))
        #expect(fanOut.advance(now: T.at(30)) == [T.send(1, 1, replica: 1, kind: .hedge, timeoutAt: 230)])
    }
}

@Suite("MapJoin: batches, bodies, joins, attach")
struct MapJoinTests {
    private func document(_ text: String) throws -> JSONDocument { try JSONDocument(indexing: Array(text.utf8)) }

    @Test func batchesCoverEveryItemOnce() {
        #expect(MapJoin.batches(count: 0, size: 25) == [])
        #expect(MapJoin.batches(count: 60, size: 25) == [0..<25, 25..<50, 50..<60])
        #expect(MapJoin.batches(count: 3, size: 1) == [0..<1, 1..<2, 2..<3])
    }

    @Test func bodiesAreTheItemsBytesCompacted() throws {
        let source = try document(#"{"r":[ {"a": 1E6} , {"b":"caf\u00e9"}, 3 ]}"#)
        let items = source.elements(of: source.resolve(JSONPointer("/r")!)!)
        #expect(String(decoding: MapJoin.body(source, items: items[0..<1], batched: false, wrap: nil), as: UTF8.self) == #"{"a":1E6}"#)
        #expect(String(decoding: MapJoin.body(source, items: items[0..<3], batched: true, wrap: nil), as: UTF8.self)
                == #"[{"a":1E6},{"b":"caf\u00e9"},3]"#)
        #expect(String(decoding: MapJoin.body(source, items: items[1..<3], batched: true, wrap: "records"), as: UTF8.self)
                == #"{"records":[{"b":"caf\u00e9"},3]}"#)
    }

    @Test func concatenationKeepsOrderAndBytes() throws {
        let first = try document(#"[1, -0]"#)
        let second = try document(#"[{"x":12345678901234567890}]"#)
        let joined = try #require(MapJoin.concatenate([(first, first.elements(of: 0)), (second, second.elements(of: 0))]))
        #expect(joined.body.text(of: joined.body.root) == #"[1,-0,{"x":12345678901234567890}]"#)
        #expect(joined.items.count == 3)
    }

    @Test func attachAddsOrReplacesTheKeyAndKeepsItemsWithoutAnAnswer() throws {
        let source = try document(#"[{"sku":"a"},{"sku":"b","price":"old"},{"sku":"c"},7]"#)
        let answer = try document(#"{"amount":1.50}"#)
        let joined = try #require(MapJoin.attach(source, items: source.elements(of: 0),
                                                 answers: [(answer, 0), (answer, 0), nil, (answer, 0)], key: "price"))
        #expect(joined.body.text(of: joined.body.root)
                == #"[{"sku":"a","price":{"amount":1.50}},{"sku":"b","price":{"amount":1.50}},{"sku":"c"},7]"#)
        let empty = try document(#"[{}]"#)
        let attached = try #require(MapJoin.attach(empty, items: empty.elements(of: 0), answers: [(answer, 0)], key: "k\"q"))
        #expect(attached.body.text(of: attached.body.root) == #"[{"k\"q":{"amount":1.50}}]"#)
    }

    @Test func itemValuesAreReadFromTheItem() throws {
        let source = try document(#"[{"sku":"a b"},{"sku":{"x":1}}]"#)
        let items = source.elements(of: 0)
        #expect(DependencyValues.scalar(in: source, at: JSONPointer("/sku")!, from: items[0]) == .success("a b"))
        #expect(DependencyValues.scalar(in: source, at: JSONPointer("/sku")!, from: items[1])
                == .failure("/sku is an object, not a string, number or boolean"))
    }
}
