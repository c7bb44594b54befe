import Testing
@testable import GatherCurl

@Suite struct ResponseHeaderLineTests {
    private func parse(_ text: String) -> ResponseHeaderLine {
        Array(text.utf8).withUnsafeBytes { ResponseHeaderLine.parse($0) }
    }

    @Test func statusLineGivesTheCode() {
        #expect(parse("HTTP/1.1 200 OK\r\n") == .statusLine(code: 200))
        #expect(parse("HTTP/1.1 103 Early Hints\r\n") == .statusLine(code: 103))
        #expect(parse("HTTP/2 404\r\n") == .statusLine(code: 404))
    }

    @Test func statusLineWithoutDigitsGivesZero() {
        #expect(parse("HTTP/1.1 2x0 Nope\r\n") == .statusLine(code: 0))
        #expect(parse("HTTP/1.1\r\n") == .statusLine(code: 0))
        #expect(parse("HTTP/1.1 2000 OK\r\n") == .statusLine(code: 0))
    }

    @Test func fieldNameIsLowercasedAndValueTrimmed() {
        #expect(parse("Content-Type:  application/json \r\n") == .field(name: "content-type", value: "application/json"))
        #expect(parse("x-already-lower: v\r\n") == .field(name: "x-already-lower", value: "v"))
        #expect(parse("X-Empty:\r\n") == .field(name: "x-empty", value: ""))
    }

    @Test func valueKeepsInnerColons() {
        #expect(parse("Location: http://a:80/b\r\n") == .field(name: "location", value: "http://a:80/b"))
    }

    @Test func blankContinuationAndMalformedLines() {
        #expect(parse("\r\n") == .blank)
        #expect(parse("\n") == .blank)
        #expect(parse("  folded more\r\n") == .continuation("folded more"))
        #expect(parse("no colon here\r\n") == .malformed)
        #expect(parse(": no name\r\n") == .malformed)
    }

    @Test func contentLengthParsing() {
        #expect(ResponseHeaderLine.contentLength("0") == 0)
        #expect(ResponseHeaderLine.contentLength("1048576") == 1_048_576)
        #expect(ResponseHeaderLine.contentLength("") == nil)
        #expect(ResponseHeaderLine.contentLength("12a") == nil)
        #expect(ResponseHeaderLine.contentLength("-1") == nil)
        #expect(ResponseHeaderLine.contentLength("99999999999999999999999") == Int.max)
    }
}

struct ResponseHeaderLineSkippingTests {
    private func parse(_ text: String) -> ResponseHeaderLine {
        Array(text.utf8).withUnsafeBytes { ResponseHeaderLine.parse($0, keepingFields: false) }
    }

    @Test func onlyContentLengthIsKeptWhenFieldsAreNot() {
        #expect(parse("Content-Type: application/json\r\n") == .skippedField)
        #expect(parse("Content-Lengthy: 3\r\n") == .skippedField)
        #expect(parse("Content-Lengt: 3\r\n") == .skippedField)
        #expect(parse("CONTENT-LENGTH: 42\r\n") == .field(name: "content-length", value: "42"))
        #expect(parse("content-length :  7 \r\n") == .field(name: "content-length", value: "7"))
        // The rest of a header block reads as it does when fields are kept.
        #expect(parse("HTTP/1.1 200 OK\r\n") == .statusLine(code: 200))
        #expect(parse("\r\n") == .blank)
        #expect(parse("no colon here\r\n") == .malformed)
        #expect(parse(" folded\r\n") == .continuation("folded"))
    }
}
