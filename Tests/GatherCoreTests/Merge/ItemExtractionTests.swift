import Testing
@testable import GatherCore

@Suite struct ItemExtractionTests {
    private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }
    private func pointer(_ text: String) throws -> JSONPointer { try #require(JSONPointer(text)) }

    @Test func bodyItselfWhenNoPointer() throws {
        let result = ItemExtraction.items(from: try json("[1,{\"a\":2}]"), at: nil, map: [])
        #expect(try result.get() == [.int(1), .object(JSONObject([("a", .int(2))]))])
    }

    @Test func bodyMustBeAnArrayWhenNoPointer() throws {
        let result = ItemExtraction.items(from: try json("{\"results\":[]}"), at: nil, map: [])
        #expect(result == .failure(ItemExtractionError(message: "body is not an array")))
    }

    @Test func followsThePointer() throws {
        let body = try json(#"{"data":{"results":[{"id":1},{"id":2}]}}"#)
        let result = ItemExtraction.items(from: body, at: try pointer("/data/results"), map: [])
        #expect(try result.get().map(\.jsonText) == [#"{"id":1}"#, #"{"id":2}"#])
    }

    @Test func missingPointerIsAnError() throws {
        let result = ItemExtraction.items(from: try json(#"{"hits":[]}"#), at: try pointer("/results"), map: [])
        #expect(result == .failure(ItemExtractionError(message: "pointer /results is missing")))
        #expect(ItemExtractionError(message: "pointer /results is missing").description == "pointer /results is missing")
    }

    @Test func nonArrayAtPointerIsAnError() throws {
        let result = ItemExtraction.items(from: try json(#"{"results":{"a":1}}"#), at: try pointer("/results"), map: [])
        #expect(result == .failure(ItemExtractionError(message: "/results is not an array")))
        let nullResult = ItemExtraction.items(from: try json(#"{"results":null}"#), at: try pointer("/results"), map: [])
        #expect(nullResult == .failure(ItemExtractionError(message: "/results is not an array")))
    }

    @Test func mapBuildsNewObjectsInMapOrder() throws {
        let body = try json(#"{"results":[{"name":"A","pricing":{"amount":5},"extra":1},{"pricing":{"amount":7.5},"name":"B"},{"other":true},3]}"#)
        let map = [FieldMapping(field: "title", pointer: try pointer("/name")),
                   FieldMapping(field: "price", pointer: try pointer("/pricing/amount"))]
        let result = ItemExtraction.items(from: body, at: try pointer("/results"), map: map)
        #expect(try result.get().map(\.jsonText) == [
            #"{"title":"A","price":5}"#, #"{"title":"B","price":7.5}"#, "{}", "{}",
        ])
    }
}
