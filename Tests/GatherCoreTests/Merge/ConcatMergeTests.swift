import Testing
@testable import GatherCore

@Suite struct ConcatMergeTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    private func contribution(_ name: String, _ items: String, body: String = "{}") throws -> UpstreamContribution {
        UpstreamContribution(name: name, items: try json(items).arrayValue ?? [], body: try json(body))
    }

    @Test func keepsRouteOrderThenOwnOrderWithSources() throws {
        let output = ConcatMerge().merge([
            try contribution("alpha", #"[{"id":"a1"},{"id":"a2"}]"#),
            try contribution("beta", #"[{"id":"b1"}]"#),
            try contribution("gamma", "[]"),
        ])
        #expect(output.items?.texts == [
            #"{"id":"a1","_sources":["alpha"]}"#,
            #"{"id":"a2","_sources":["alpha"]}"#,
            #"{"id":"b1","_sources":["beta"]}"#,
        ])
        #expect(output.counts == [2, 1, 0])
        #expect(output.data == nil)
        #expect(output.summary == nil)
    }

    @Test func withoutProvenanceItemsAreUntouched() throws {
        let output = ConcatMerge(provenance: false).merge([
            try contribution("alpha", #"[{"id":"a1","_sources":"x"}]"#),
            try contribution("beta", #"[{"id":"b1"}]"#),
        ])
        #expect(output.items?.texts == [#"{"id":"a1","_sources":"x"}"#, #"{"id":"b1"}"#])
    }

    @Test func nonObjectItemsAreKeptAsTheyAre() throws {
        let output = ConcatMerge().merge([try contribution("alpha", #"[1,"s",null,[2]]"#)])
        #expect(output.items?.texts == ["1", "\"s\"", "null", "[2]"])
    }

    @Test func existingSourcesFieldIsReplaced() throws {
        let output = ConcatMerge().merge([try contribution("alpha", #"[{"_sources":["x"],"id":1,"_sources":2}]"#)])
        #expect(output.items?.texts == [#"{"id":1,"_sources":["alpha"]}"#])
    }

    @Test func dedupeByNormalisedURLKeepsFirstAndListsEverySource() throws {
        let merge = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/url"), normalize: .url))
        let output = merge.merge([
            try contribution("alpha", #"[{"url":"https://www.Example.com/a/","t":"A1"},{"url":"https://x.org/1","t":"A2"},{"t":"A3"}]"#),
            try contribution("beta", #"[{"url":"https://example.com/a#frag","t":"B1"},{"t":"B2"},{"url":null,"t":"B3"}]"#),
            try contribution("gamma", #"[{"url":"HTTPS://EXAMPLE.COM:443/a","t":"C1"},{"url":"https://x.org/1/","t":"C2"},{"url":"https://x.org/1","t":"C3"}]"#),
        ])
        #expect(output.items?.texts == [
            #"{"url":"https://www.Example.com/a/","t":"A1","_sources":["alpha","beta","gamma"]}"#,
            #"{"url":"https://x.org/1","t":"A2","_sources":["alpha","gamma"]}"#,
            #"{"t":"A3","_sources":["alpha"]}"#,
            #"{"t":"B2","_sources":["beta"]}"#,
            #"{"url":null,"t":"B3","_sources":["beta"]}"#,
        ])
        #expect(output.counts == [3, 3, 3])
    }

    @Test func dedupeNormalizeModes() throws {
        let items = #"[{"k":"Apple"},{"k":"apple"},{"k":"APPLE"},{"k":1},{"k":1.0},{"k":true},{"k":{"a":1}},{"k":{"a":1}}]"#
        let none = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/k")), provenance: false)
            .merge([try contribution("alpha", items)])
        #expect(none.items?.texts == [
            #"{"k":"Apple"}"#, #"{"k":"apple"}"#, #"{"k":"APPLE"}"#, #"{"k":1}"#, #"{"k":true}"#, #"{"k":{"a":1}}"#,
        ])
        let lower = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/k"), normalize: .lower), provenance: false)
            .merge([try contribution("alpha", items)])
        #expect(lower.items?.texts == [#"{"k":"Apple"}"#, #"{"k":1}"#, #"{"k":true}"#, #"{"k":{"a":1}}"#])
    }

    @Test func sourcesHaveNoRepeatsWhenAnUpstreamRepeatsItself() throws {
        let merge = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/id")))
        let output = merge.merge([
            try contribution("alpha", #"[{"id":1,"n":"first"},{"id":1,"n":"again"}]"#),
            try contribution("beta", #"[{"id":2},{"id":1}]"#),
            try contribution("gamma", #"[{"id":2},{"id":2}]"#),
        ])
        #expect(output.items?.texts == [
            #"{"id":1,"n":"first","_sources":["alpha","beta"]}"#,
            #"{"id":2,"_sources":["beta","gamma"]}"#,
        ])
        #expect(output.counts == [2, 2, 2])
    }

    @Test func limitAppliesAfterDedupe() throws {
        let contributions = [
            try contribution("alpha", #"[{"id":1},{"id":2}]"#),
            try contribution("beta", #"[{"id":1},{"id":3},{"id":4}]"#),
        ]
        let limited = ConcatMerge(dedupe: DedupeSpec(key: try pointer("/id")), limit: 3).merge(contributions)
        #expect(limited.items?.texts == [
            #"{"id":1,"_sources":["alpha","beta"]}"#, #"{"id":2,"_sources":["alpha"]}"#, #"{"id":3,"_sources":["beta"]}"#,
        ])
        #expect(limited.counts == [2, 3])
        #expect(ConcatMerge(limit: 0).merge(contributions).items?.texts == [])
        #expect(ConcatMerge(limit: 10, provenance: false).merge(contributions).items?.count == 5)
    }

    @Test func noContributionsGiveAnEmptyList() {
        let output = ConcatMerge().merge([])
        #expect(output.items?.texts == [])
        #expect(output.counts == [])
    }

    @Test func factoryBuildsStagesButVoteNeedsTheRouteCounts() throws {
        #expect(MergeStages.make(MergeSpec(mode: .concat)) is ConcatMerge)
        #expect(MergeStages.make(MergeSpec(mode: .sort, sort: SortSpec(by: try pointer("/p")))) is SortMerge)
        #expect(MergeStages.make(MergeSpec(mode: .fuse)) is FuseMerge)
        #expect(MergeStages.make(MergeSpec(mode: .object)) is ObjectMerge)
        #expect(MergeStages.make(MergeSpec(mode: .vote)) == nil)
        let stage = try #require(MergeStages.make(MergeSpec(mode: .concat, limit: 1, provenance: false)))
        let output = stage.merge([try contribution("alpha", #"[{"id":1},{"id":2}]"#)])
        #expect(output.items?.texts == [#"{"id":1}"#])
    }
}
