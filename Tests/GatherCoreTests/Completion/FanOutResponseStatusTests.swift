import Testing
@testable import GatherCore

private typealias T = FanOutTesting

@Suite("FanOut response status")
struct FanOutResponseStatusTests {
    struct Row: Sendable, CustomStringConvertible {
        var results: [FanOut.AttemptResult]
        var minOK: Int
        var expected: Int
        var description: String { "minOK \(minOK) → \(expected)" }
    }

    static let ok = FanOut.AttemptResult.success(httpStatus: 200)
    static let timedOut = FanOut.AttemptResult.failure(.timeout, httpStatus: nil)
    static let refused = FanOut.AttemptResult.failure(.error, httpStatus: nil)
    static let unavailable = FanOut.AttemptResult.failure(.badStatus, httpStatus: 503)
    static let garbled = FanOut.AttemptResult.failure(.badBody, httpStatus: 200)

    static let rows: [Row] = [
        Row(results: [ok, timedOut, unavailable], minOK: 1, expected: 200),
        Row(results: [ok, timedOut, unavailable], minOK: 2, expected: 504),
        Row(results: [ok, refused, unavailable], minOK: 2, expected: 502),
        Row(results: [garbled, refused, unavailable], minOK: 1, expected: 502),
        Row(results: [garbled, timedOut, refused], minOK: 1, expected: 504),
        Row(results: [refused, refused, refused], minOK: 0, expected: 200),
        Row(results: [ok, ok, ok], minOK: 3, expected: 200),
        Row(results: [ok, ok, refused], minOK: 3, expected: 502),
    ]

    @Test(arguments: rows)
    func statusFollowsTheContract(_ row: Row) {
        let plan = T.plan([T.upstream(), T.upstream(), T.upstream()], minOK: row.minOK)
        var (fanOut, _) = T.started(plan)
        for (index, result) in row.results.enumerated() {
            _ = fanOut.attemptFinished(T.id(index, 0), result, now: T.at(Int64(10 + index)))
        }
        #expect(fanOut.isFinished)
        #expect(fanOut.responseStatus == row.expected)
    }

    @Test func cancelledUpstreamsAreNeitherSuccessesNorTimeouts() {
        var (fanOut, _) = T.started(T.plan([T.upstream(), T.upstream()]))
        _ = fanOut.clientGone(now: T.at(1))
        #expect(fanOut.responseStatus == 502)
        #expect(!fanOut.isPartial)
    }
}
