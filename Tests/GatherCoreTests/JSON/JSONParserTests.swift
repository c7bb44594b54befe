import Testing
@testable import GatherCore

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        ("  {\"a\" : [1, 2.5, -3, true, false, null, \"x\"] , \"b\":{}}\n\t", "{\"a\":[1,2.5,-3,true,false,null,\"x\"],\"b\":{}}"),
        ("[]", "[]"),
        ("[ ]", "[]"),
        ("{ }", "{}"),
        ("\"\"", "\"\""),
        ("null", "null"),
        ("[[[]]]", "[[[]]]"),
        ("{\"k\":{\"k\":[{\"z\":0}]}}", "{\"k\":{\"k\":[{\"z\":0}]}}"),
        ("{\"b\":1,\"a\":2}", "{\"b\":1,\"a\":2}"),
        ("{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"),
    ])
    func validDocumentsRoundTrip(input: String, compact: String) throws {
        #expect(try parse(input).jsonText == compact)
    }

    @Test(arguments: [
        ("0", JSONValue.int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("-17", .int(-17)),
        ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .double(9223372036854775808.0)),
        ("-9223372036854775809", .double(-9223372036854775809.0)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        ("1.0", .double(1.0)),
        ("1e2", .double(100)),
        ("1E+2", .double(100)),
        ("-1.5e-3", .double(-0.0015)),
        ("0.1", .double(0.1)),
        ("2.5E0", .double(2.5)),
        ("1e-400", .double(0)),
        ("1.7976931348623157e308", .double(1.7976931348623157e308)),
    ])
    func numbers(input: String, expected: JSONValue) throws {
        #expect(try parse(input) == expected)
    }

    @Test(arguments: [
        ("", 0),
        ("   ", 3),
        ("01", 1),
        ("-01", 2),
        ("1.", 2),
        (".5", 0),
        ("-", 1),
        ("+1", 0),
        ("1e", 2),
        ("1e+", 3),
        ("1.e5", 2),
        ("[1,]", 3),
        ("[1 2]", 3),
        ("[1]]", 3),
        ("1 2", 2),
        ("{\"a\":1,}", 7),
        ("{a:1}", 1),
        ("{\"a\" 1}", 5),
        ("{\"a\":}", 5),
        ("{\"a\":1", 6),
        ("[", 1),
        ("tru", 3),
        ("nul", 3),
        ("trUe", 2),
        ("NaN", 0),
        ("Infinity", 0),
        ("-Infinity", 1),
        ("1e400", 0),
        ("'a'", 0),
        ("\"abc", 0),
        ("\"\\x\"", 2),
        ("\"\\u12\"", 5),
        ("\"\\u12G4\"", 5),
        ("\"tab\there\"", 4),
        ("\"line\nbreak\"", 5),
        ("[1,\n2,,3]", 6),
    ])
    func invalidDocuments(input: String, offset: Int) {
        do {
            let value = try parse(input)
            Issue.record("expected an error for \(input), got \(value)")
        } catch let error as JSONParseError {
            #expect(error.offset == offset, "\(input): \(error)")
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func errorDescriptionNamesOffsetAndReason() {
        #expect(throws: JSONParseError(offset: 3, message: "unexpected ']', expected a value")) {
            try parse("[1,]")
        }
        #expect(JSONParseError(offset: 3, message: "x").description == "invalid JSON at byte 3: x")
    }

    @Test func simpleEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""a\u0041\u00e9\u20AC""#) == .string("aAé€"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func surrogatePairsDecodeToOneScalar() throws {
        let value = try parse(#""x\uD83D\uDE00y""#)
        #expect(value == .string("x😀y"))
        #expect(value.stringValue?.unicodeScalars.count == 3)
        #expect(try parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
    }

    @Test(arguments: [#""\uD83D""#, #""\uDE00""#, #""\uD83Dx""#, #""\uD83D\u0041""#, #""\uD83D\n""#])
    func loneSurrogatesAreErrors(input: String) {
        #expect(throws: JSONParseError.self) { try parse(input) }
    }

    @Test func rawUTF8IsKept() throws {
        #expect(try parse("\"é😀中\"") == .string("é😀中"))
        #expect(try parse("{\"ключ\":\"значение\"}") == .object(JSONObject([("ключ", .string("значение"))])))
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],                 // never valid
        [0x22, 0x80, 0x22],                 // stray continuation
        [0x22, 0xC0, 0x80, 0x22],           // overlong NUL
        [0x22, 0xE0, 0x80, 0x80, 0x22],     // overlong 3-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],     // UTF-16 surrogate encoded in UTF-8
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],           // truncated by the closing quote
        [0x22, 0xE2, 0x82],                 // truncated by the end
        [0xC3, 0xA9],                       // non-ASCII outside a string
    ] as [[UInt8]])
    func invalidUTF8IsAnError(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func validMultiByteSequences() throws {
        #expect(try JSONParser.parse([0x22, 0xE2, 0x82, 0xAC, 0x22]) == .string("€"))
        #expect(try JSONParser.parse([0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == .string("😀"))
    }

    @Test func depthLimitIs256() throws {
        let deepest = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try parse(deepest).jsonText == deepest)
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(throws: JSONParseError(offset: 256, message: "nesting deeper than 256 levels")) { try parse(tooDeep) }
        let mixed = String(repeating: "{\"a\":[", count: 128) + "1" + String(repeating: "]}", count: 128)
        #expect(throws: Never.self) { try parse(mixed) }
        let mixedTooDeep = String(repeating: "{\"a\":[", count: 129) + "1" + String(repeating: "]}", count: 129)
        #expect(throws: JSONParseError.self) { try parse(mixedTooDeep) }
    }

    @Test func byteOrderMarkIsSkipped() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x5B, 0x5D]) == .array([]))
    }

    @Test func parsesFromRawBuffer() throws {
        let bytes = Array("{\"a\":[true]}".utf8)
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(value == .object(JSONObject([("a", .array([.bool(true)]))])))
        #expect(throws: JSONParseError.self) { try JSONParser.parse(UnsafeRawBufferPointer(start: nil, count: 0)) }
    }
}
