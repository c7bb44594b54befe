import Testing
@testable import GatherCore

@Suite struct SummaryReductionTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    private func bodies(_ texts: String...) throws -> [UpstreamContribution] {
        try texts.enumerated().map { try UpstreamContribution(name: "u\($0.offset)", bodyText: $0.element) }
    }

    /// A summary value as the answer writes it.
    private func text(_ value: SummaryValue, _ contributions: [UpstreamContribution]) -> String {
        var writer = JSONWriter()
        value.write(into: &writer, contributions: contributions)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func spec(_ name: String, _ reducer: SummarySpec.Reducer, _ pointer: String) throws -> SummarySpec {
        SummarySpec(name: name, reducer: reducer, pointer: try #require(JSONPointer(pointer)))
    }

    @Test func reducersOverBodies() throws {
        let contributions = try bodies(
            #"{"total":10,"offers":[{"price":9.5}],"score":1}"#,
            #"{"total":5,"offers":[{"price":12}],"score":2.5}"#,
            #"{"total":"n/a","offers":[],"score":null}"#)
        let summary = try #require(SummaryReduction.reduce([
            try spec("total_hits", .sum, "/total"),
            try spec("cheapest", .min, "/offers/0/price"),
            try spec("dearest", .max, "/offers/0/price"),
            try spec("mean", .avg, "/total"),
            try spec("reporting", .count, "/total"),
            try spec("scored", .count, "/score"),
            try spec("score_sum", .sum, "/score"),
            try spec("nobody", .sum, "/missing"),
            try spec("nobody_min", .min, "/missing"),
            try spec("nobody_avg", .avg, "/missing"),
            try spec("nobody_count", .count, "/missing"),
        ], over: contributions))
        #expect(summary.map(\.name) == ["total_hits", "cheapest", "dearest", "mean", "reporting", "scored", "score_sum",
                                        "nobody", "nobody_min", "nobody_avg", "nobody_count"])
        #expect(summary.map { text($0.value, contributions) } == [
            "15", "9.5", "12", "7.5", "3", "3", "3.5", "null", "null", "null", "0",
        ])
    }

    @Test func noSpecsMeansNoSummary() throws {
        #expect(SummaryReduction.reduce([], over: try bodies("{}")) == nil)
    }

    @Test func integerSumFallsBackToDoubleOnOverflow() throws {
        let contributions = try bodies(#"{"n":9223372036854775807}"#, #"{"n":1}"#)
        #expect(text(SummaryReduction.value(of: try spec("s", .sum, "/n"), over: contributions), contributions)
                    == "9.223372036854776e+18")
        let negative = try bodies(#"{"n":-9223372036854775808}"#, #"{"n":-1}"#)
        #expect(text(SummaryReduction.value(of: try spec("s", .sum, "/n"), over: negative), negative)
                    == "-9.223372036854776e+18")
    }

    @Test func minAndMaxCompareLargeIntegersExactly() throws {
        let contributions = try bodies(#"{"n":9007199254740993}"#, #"{"n":9007199254740992}"#)
        #expect(text(SummaryReduction.value(of: try spec("m", .min, "/n"), over: contributions), contributions)
                    == "9007199254740992")
        #expect(text(SummaryReduction.value(of: try spec("m", .max, "/n"), over: contributions), contributions)
                    == "9007199254740993")
    }

    @Test func minAndMaxKeepTheWinnersTextAndSkipNumbersBeyondDouble() throws {
        let contributions = try bodies(#"{"n":1E2}"#, #"{"n":-0}"#, #"{"n":1e400}"#, #"{"n":1.000000000000000005}"#)
        #expect(text(SummaryReduction.value(of: try spec("m", .min, "/n"), over: contributions), contributions) == "-0")
        #expect(text(SummaryReduction.value(of: try spec("m", .max, "/n"), over: contributions), contributions) == "1E2")
        #expect(text(SummaryReduction.value(of: try spec("c", .count, "/n"), over: contributions), contributions) == "4")
    }

    @Test func summaryTravelsWithTheMergeOutput() throws {
        let contributions = try bodies(#"{"total":3}"#, #"{"total":4}"#)
        let output = ConcatMerge(summary: [try spec("total_hits", .sum, "/total")]).merge(contributions)
        #expect(output.summary?.map(\.name) == ["total_hits"])
        #expect(output.summaryValues?.map(\.value) == [.int(7)])
    }
}
