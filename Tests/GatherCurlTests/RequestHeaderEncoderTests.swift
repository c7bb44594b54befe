import Testing
@testable import GatherCurl

@Suite struct RequestHeaderEncoderTests {
    private func encode(_ name: String, _ value: String) -> (RequestHeaderEncoder.Verdict, String) {
        var line: [UInt8] = [9, 9, 9]
        let verdict = RequestHeaderEncoder.encode(name: name, value: value, into: &line)
        return (verdict, String(decoding: line, as: UTF8.self))
    }

    @Test func encodesNameColonValueWithTerminator() {
        let (verdict, line) = encode("X-Request-Id", "abc 123")
        #expect(verdict == .encoded)
        #expect(line == "X-Request-Id: abc 123\0")
    }

    @Test func emptyValueUsesSemicolonSpelling() {
        let (verdict, line) = encode("X-Empty", "")
        #expect(verdict == .encoded)
        #expect(line == "X-Empty;\0")
    }

    @Test func rejectsLineBreaksAndNulInValues() {
        #expect(encode("X-A", "a\r\nX-Injected: 1").0 == .invalid("request header X-A has a CR, LF or NUL in its value"))
        #expect(encode("X-A", "a\nb").0 != .encoded)
        #expect(encode("X-A", "a\0b").0 != .encoded)
    }

    @Test func rejectsNamesThatAreNotTokens() {
        #expect(encode("", "v").0 == .invalid("request header with an empty name"))
        #expect(encode("Bad Name", "v").0 == .invalid("request header name \"Bad Name\" is not an HTTP token"))
        #expect(encode("X:Y", "v").0 != .encoded)
    }

    @Test func skipsFramingHeadersInAnyCase() {
        #expect(encode("content-length", "5").0 == .skipped)
        #expect(encode("Transfer-Encoding", "chunked").0 == .skipped)
        #expect(encode("Content-Type", "text/plain").0 == .encoded)
    }

    @Test func caseInsensitiveComparison() {
        #expect(RequestHeaderEncoder.equalsIgnoringASCIICase("Content-Type", "content-type"))
        #expect(!RequestHeaderEncoder.equalsIgnoringASCIICase("Content-Typ", "content-type"))
        #expect(!RequestHeaderEncoder.equalsIgnoringASCIICase("Content-Types", "content-type"))
    }
}
