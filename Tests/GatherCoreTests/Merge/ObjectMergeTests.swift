import Testing
@testable import GatherCore

@Suite struct ObjectMergeTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    private func upstream(_ name: String, _ body: String, group: String? = nil) throws -> UpstreamContribution {
        UpstreamContribution(name: name, items: [], body: try json(body), group: group)
    }

    @Test func nestedObjectsMergeAndLaterUpstreamsWin() throws {
        let output = ObjectMerge().merge([
            try upstream("user", #"{"id":7,"name":"Ann","profile":{"city":"Oslo","age":30},"tags":["a"]}"#),
            try upstream("prefs", #"{"profile":{"age":31,"lang":"nb"},"theme":"dark","tags":["b","c"]}"#),
            try upstream("late", #"{"name":null,"profile":{"city":{"code":"OSL"}}}"#),
        ])
        // Key order: the first object's, then new keys as they arrive; arrays replaced; a later
        // null and a later object both replace what was there.
        #expect(output.dataText
                == #"{"id":7,"name":null,"profile":{"city":{"code":"OSL"},"age":31,"lang":"nb"},"tags":["b","c"],"theme":"dark"}"#)
        #expect(output.items == nil)
        #expect(output.counts == [1, 1, 1])
        #expect(output.summary == nil)
        #expect(output.votes == nil)
    }

    @Test func appendConcatenatesArraysInRouteOrder() throws {
        let output = ObjectMerge(append: true).merge([
            try upstream("a", #"{"tags":["a"],"deep":{"list":[1]}}"#),
            try upstream("b", #"{"tags":["b","c"],"deep":{"list":[2,{"x":1}]}}"#),
            try upstream("c", #"{"tags":"none","deep":{"list":[3]}}"#),
        ])
        // "tags" became a string at c: not two arrays, so the later value replaces.
        #expect(output.dataText == #"{"tags":"none","deep":{"list":[1,2,{"x":1},3]}}"#)
    }

    @Test func groupsPlaceValuesUnderTheirKey() throws {
        let output = ObjectMerge().merge([
            try upstream("user", #"{"id":7,"name":"Ann"}"#),
            try upstream("orders", #"[{"n":1},{"n":2}]"#, group: "orders"),
            try upstream("stats", #"{"visits":3}"#, group: "stats"),
            try upstream("stats2", #"{"likes":4,"visits":5}"#, group: "stats"),
        ])
        #expect(output.dataText
                == #"{"id":7,"name":"Ann","orders":[{"n":1},{"n":2}],"stats":{"visits":5,"likes":4}}"#)
        #expect(output.counts == [1, 1, 1, 1])
    }

    @Test func itemsPointerSelectsTheValue() throws {
        let output = ObjectMerge(items: try pointer("/data")).merge([
            try upstream("a", #"{"data":{"x":1},"meta":{"ignored":true}}"#),
            try upstream("missing", #"{"other":{"y":2}}"#),
            try upstream("notObject", #"{"data":[1,2]}"#),
            try upstream("grouped", #"{"data":"text"}"#, group: "g"),
            try upstream("groupMissing", #"{"nodata":1}"#, group: "h"),
            try upstream("b", #"{"data":{"y":2}}"#),
        ])
        #expect(output.dataText == #"{"x":1,"g":"text","y":2}"#)
        #expect(output.counts == [1, 0, 0, 1, 0, 1])
    }

    @Test func nothingContributedGivesNull() throws {
        let output = ObjectMerge().merge([
            try upstream("a", "[1]"),
            try upstream("b", "3"),
        ])
        #expect(output.dataValue == .some(.null))
        #expect(output.counts == [0, 0])
        #expect(ObjectMerge().merge([]).dataValue == .some(.null))
    }

    @Test func anEmptyObjectStillContributes() throws {
        let output = ObjectMerge().merge([try upstream("a", "{}")])
        #expect(output.dataText == "{}")
        #expect(output.counts == [1])
    }

    @Test func repeatedKeysCountByTheirFirstOccurrenceWhereObjectsMerge() throws {
        let output = ObjectMerge().merge([
            try upstream("a", #"{"k":{"x":1},"k":{"x":2},"n":{"d":1,"d":2}}"#),
            try upstream("b", #"{"k":{"y":3},"z":1,"z":2}"#),
        ])
        // `k` and the top level are merged, so each keeps one member per key; `n`, which no
        // other upstream touches, goes out as sent.
        #expect(output.dataText == #"{"k":{"x":1,"y":3},"n":{"d":1,"d":2},"z":1}"#)
    }

    @Test func summaryAndSpecInitialiser() throws {
        let spec = MergeSpec(mode: .object, items: try pointer("/v"), append: true,
                             summary: [SummarySpec(name: "total", reducer: .sum, pointer: try pointer("/n"))])
        let output = try #require(MergeStages.make(spec)).merge([
            try upstream("a", #"{"v":{"l":[1]},"n":2}"#),
            try upstream("b", #"{"v":{"l":[2]},"n":3}"#),
        ])
        #expect(output.dataText == #"{"l":[1,2]}"#)
        #expect(output.summary?.map(\.name) == ["total"])
        #expect(output.summaryValues?.first?.value == .int(5))
    }
}
