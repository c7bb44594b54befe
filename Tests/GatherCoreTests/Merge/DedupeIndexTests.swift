import Testing
@testable import GatherCore

@Suite struct DedupeIndexTests {
    private func document(_ text: String) throws -> JSONDocument { try JSONDocument(indexing: Array(text.utf8)) }

    @Test func firstSightingRecordsLaterOnesFindIt() throws {
        let values = try document(#"["a","b","a",7,"b",7.0,null,"\u0061"]"#)
        let positions = values.elements(of: JSONDocument.root)
        var index = DedupeIndex(capacity: 4)
        func earlier(_ element: Int, _ next: Int) -> (hasKey: Bool, earlier: Int?) {
            index.earlierPosition(of: values, positions[element], normalize: .none, recordingIfNew: next)
        }
        #expect(earlier(0, 0) == (true, nil))
        #expect(earlier(1, 1) == (true, nil))
        #expect(earlier(2, 2) == (true, 0))
        #expect(earlier(3, 2) == (true, nil))
        #expect(earlier(4, 3) == (true, 1))
        // 7.0 is the integer 7; null has no key; "\u0061" is "a".
        #expect(earlier(5, 3) == (true, 2))
        #expect(earlier(6, 3) == (false, nil))
        #expect(earlier(7, 3) == (true, 0))
    }

    @Test func growsPastItsFirstTableWithoutLosingKeys() throws {
        let text = "[" + (0..<500).map { "\"k\($0)\"" }.joined(separator: ",") + "]"
        let values = try document(text)
        let positions = values.elements(of: JSONDocument.root)
        var index = DedupeIndex(capacity: 2)
        for (position, value) in positions.enumerated() {
            #expect(index.earlierPosition(of: values, value, normalize: .none, recordingIfNew: position).earlier == nil)
        }
        for (position, value) in positions.enumerated() {
            #expect(index.earlierPosition(of: values, value, normalize: .none, recordingIfNew: 9999).earlier == position)
        }
    }
}
