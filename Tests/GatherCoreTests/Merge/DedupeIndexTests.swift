import Testing
@testable import GatherCore

@Suite struct DedupeIndexTests {
    @Test func firstSightingRecordsLaterOnesFindIt() {
        var index = DedupeIndex(capacity: 4)
        #expect(index.earlierPosition(of: .string("a"), recordingIfNew: 0) == nil)
        #expect(index.earlierPosition(of: .string("b"), recordingIfNew: 1) == nil)
        #expect(index.earlierPosition(of: .string("a"), recordingIfNew: 2) == 0)
        #expect(index.earlierPosition(of: .int(7), recordingIfNew: 2) == nil)
        #expect(index.earlierPosition(of: .string("b"), recordingIfNew: 3) == 1)
        #expect(index.earlierPosition(of: .int(7), recordingIfNew: 3) == 2)
    }
}
