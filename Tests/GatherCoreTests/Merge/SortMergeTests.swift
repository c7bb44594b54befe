import Testing
@testable import GatherCore

@Suite struct SortMergeTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }
    private func contribution(_ name: String, _ items: String) throws -> UpstreamContribution {
        UpstreamContribution(name: name, items: try json(items).arrayValue ?? [], body: .null)
    }

    private var mixed: [UpstreamContribution] {
        get throws {
            [try contribution("alpha", #"[{"id":"a1","p":5},{"id":"a2","p":"x"},{"id":"a3"},{"id":"a4","p":null}]"#),
             try contribution("beta", #"[{"id":"b1","p":2.5},{"id":"b2","p":5.0},{"id":"b3","p":"abc"},{"id":"b4","p":-1}]"#)]
        }
    }

    private func ids(_ output: MergeOutput) -> [String] {
        (output.itemValues ?? []).map { $0.objectValue?["id"]?.stringValue ?? "?" }
    }

    @Test func ascendingNumbersThenStringsMissingLastTiesInRouteOrder() throws {
        let output = SortMerge(sort: SortSpec(by: try pointer("/p"))).merge(try mixed)
        #expect(ids(output) == ["b4", "b1", "a1", "b2", "b3", "a2", "a3", "a4"])
        #expect(output.counts == [4, 4])
    }

    @Test func descendingKeepsMissingLastAndTiesInRouteOrder() throws {
        let output = SortMerge(sort: SortSpec(by: try pointer("/p"), order: .desc)).merge(try mixed)
        #expect(ids(output) == ["a2", "b3", "a1", "b2", "b1", "b4", "a3", "a4"])
    }

    @Test func stringsCompareByCodePoint() throws {
        // "e\u{301}" and "\u{E9}" are canonically equal Swift strings but different code points.
        let output = SortMerge(sort: SortSpec(by: try pointer("/s")), provenance: false).merge([
            try contribution("alpha", "[{\"s\":\"\u{E9}\"},{\"s\":\"a\"},{\"s\":\"Z\"},{\"s\":\"e\u{301}\"},{\"s\":\"\u{1F600}\"},{\"s\":\"\u{FFFD}\"}]"),
        ])
        #expect(output.itemValues?.compactMap { $0.objectValue?["s"]?.stringValue }.map { Array($0.unicodeScalars) } == [
            ["Z"], ["a"], ["e", "\u{301}"], ["\u{E9}"], ["\u{FFFD}"], ["\u{1F600}"],
        ])
    }

    @Test func dedupeKeepsTheItemThatSortsFirst() throws {
        let merge = SortMerge(sort: SortSpec(by: try pointer("/price")), dedupe: DedupeSpec(key: try pointer("/url")))
        let output = merge.merge([
            try contribution("alpha", #"[{"url":"u","price":10,"from":"alpha"},{"url":"v","price":1}]"#),
            try contribution("beta", #"[{"url":"u","price":3,"from":"beta"}]"#),
            try contribution("gamma", #"[{"url":"u","price":3,"from":"gamma"}]"#),
        ])
        #expect(output.items?.texts == [
            #"{"url":"v","price":1,"_sources":["alpha"]}"#,
            #"{"url":"u","price":3,"from":"beta","_sources":["alpha","beta","gamma"]}"#,
        ])
        #expect(output.counts == [2, 1, 1])
    }

    @Test func limitAppliesAfterSorting() throws {
        let output = SortMerge(sort: SortSpec(by: try pointer("/p"), order: .desc), limit: 2).merge(try mixed)
        #expect(ids(output) == ["a2", "b3"])
    }
}
