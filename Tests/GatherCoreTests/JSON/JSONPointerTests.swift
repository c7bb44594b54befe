import Testing
@testable import GatherCore

@Suite struct JSONPointerTests {
    @Test func parsesAndPrintsRFC6901() throws {
        let pointer = try #require(JSONPointer("/a~1b/~0c/0/"))
        #expect(pointer.tokens == ["a/b", "~c", "0", ""])
        #expect(pointer.description == "/a~1b/~0c/0/")
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("a") == nil)
        #expect(JSONPointer("/~2") == nil)
        #expect(JSONPointer("/~") == nil)
    }

    /// Found by fuzzing: read by Character, a `/` or `~` joined with a combining mark in one
    /// grapheme was not syntax any more.
    @Test func syntaxIsReadByScalarNotByCharacter() throws {
        #expect(JSONPointer("/\u{301}x")?.tokens == ["\u{301}x"])
        #expect(JSONPointer("/a/\u{301}")?.tokens == ["a", "\u{301}"])
        #expect(JSONPointer("/~0\u{301}")?.tokens == ["~\u{301}"])
        #expect(JSONPointer("/~\u{301}") == nil)
        let tricky = JSONPointer(tokens: ["~\u{301}", "/\u{301}"])
        #expect(JSONPointer(tricky.description) == tricky)
        let document = try JSONDocument(indexing: Array(#"{"a":{"\u0301":1}}"#.utf8))
        #expect(document.resolve(try #require(JSONPointer("/a/\u{301}"))).map { document.text(of: $0) } == "1")
    }
}
