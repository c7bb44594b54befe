import Testing
@testable import GatherCore

@Suite struct ItemExtractionTests {
    private func document(_ text: String) throws -> JSONDocument { try JSONDocument(indexing: Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    /// The extracted items as their bytes.
    private func texts(_ result: Result<UpstreamAnswer, ItemExtraction.Failure>) throws -> [String] {
        let answer = try result.get()
        return answer.items.map { answer.itemsDocument.text(of: $0) }
    }

    private func error(_ result: Result<UpstreamAnswer, ItemExtraction.Failure>) -> ItemExtraction.Failure? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test func bodyItselfWhenNoPointer() throws {
        let result = ItemExtraction.answer(from: try document("[1, {\"a\":2}]"), at: nil, map: [])
        #expect(try texts(result) == ["1", #"{"a":2}"#])
    }

    @Test func bodyMustBeAnArrayWhenNoPointer() throws {
        let result = ItemExtraction.answer(from: try document("{\"results\":[]}"), at: nil, map: [])
        #expect(error(result) == ItemExtraction.Failure(message: "body is not an array"))
    }

    @Test func followsThePointer() throws {
        let body = try document(#"{"data":{"results":[{"id":1},{"id":2}]}}"#)
        let result = ItemExtraction.answer(from: body, at: try pointer("/data/results"), map: [])
        #expect(try texts(result) == [#"{"id":1}"#, #"{"id":2}"#])
    }

    @Test func missingPointerIsAnError() throws {
        let result = ItemExtraction.answer(from: try document(#"{"hits":[]}"#), at: try pointer("/results"), map: [])
        #expect(error(result) == ItemExtraction.Failure(message: "pointer /results is missing"))
        #expect(ItemExtraction.Failure(message: "pointer /results is missing").description == "pointer /results is missing")
    }

    @Test func nonArrayAtPointerIsAnError() throws {
        let result = ItemExtraction.answer(from: try document(#"{"results":{"a":1}}"#), at: try pointer("/results"), map: [])
        #expect(error(result) == ItemExtraction.Failure(message: "/results is not an array"))
        let nullResult = ItemExtraction.answer(from: try document(#"{"results":null}"#), at: try pointer("/results"), map: [])
        #expect(error(nullResult) == ItemExtraction.Failure(message: "/results is not an array"))
    }

    @Test func mapBuildsNewObjectsInMapOrderFromTheValuesBytes() throws {
        let body = try document(#"{"results":[{"name":"A\u00e9","pricing":{"amount":5E0},"extra":1},{"pricing":{"amount":7.50},"name":"B"},{"other":true},3]}"#)
        let map = [FieldMapping(field: "title", pointer: try pointer("/name")),
                   FieldMapping(field: "price", pointer: try pointer("/pricing/amount"))]
        let result = ItemExtraction.answer(from: body, at: try pointer("/results"), map: map)
        #expect(try texts(result) == [
            #"{"title":"A\u00e9","price":5E0}"#, #"{"title":"B","price":7.50}"#, "{}", "{}",
        ])
        // The summary still reads the body as sent.
        #expect(try result.get().body.text(of: JSONDocument.root).hasPrefix(#"{"results""#))
    }
}

extension ItemExtractionTests {
    /// Found by fuzzing: a field mapping a whole item nests it one level deeper; past the depth
    /// limit that is bad_body, never the unmapped body.
    @Test func mappingPastTheDepthLimitIsAnError() throws {
        let depth = JSONParser.maximumDepth
        let body = try JSONDocument(indexing: Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8))
        let result = ItemExtraction.answer(from: body, at: nil, map: [FieldMapping(field: "whole", pointer: .root)])
        #expect(error(result) == ItemExtraction.Failure(message: "map: items nest deeper than 256 levels"))
    }
}
