import Testing
@testable import GatherCore

/// The parser's shortcuts (word-at-a-time string scan, exact short decimals, element stacks)
/// must give exactly what the byte-by-byte paths give.
@Suite struct JSONReaderFastPathTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        ("0.97", 0.97),
        ("-0.5", -0.5),
        ("123.456", 123.456),
        ("0.001", 0.001),
        ("12.5e2", 1250.0),
        ("1e22", 1e22),
        ("1e-22", 1e-22),
        ("999999999999999.9", 999999999999999.9),  // 16 digits: the slow path
        ("1e23", 1e23),  // past 1e22: the slow path
        ("4.35", 4.35),
        ("0.30000000000000004", 0.30000000000000004),
    ])
    func decimalsMatchTheStandardConversion(input: String, expected: Double) throws {
        #expect(try parse(input) == .double(expected))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .double(let value) = try parse("-0.0") else {
            Issue.record("not a double")
            return
        }
        #expect(value == 0 && value.sign == .minus)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 17, 31])
    func aSpecialByteIsFoundAtEveryOffset(offset: Int) throws {
        let plain = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 9)
        #expect(try parse("\"\(plain)\\n\(tail)\"") == .string(plain + "\n" + tail))
        #expect(try parse("\"\(plain)é\(tail)\"") == .string(plain + "é" + tail))
        #expect(try parse("\"\(plain)\"") == .string(plain))
        #expect(throws: JSONParseError.self) { try parse("\"\(plain)\u{01}\(tail)\"") }
        #expect(throws: JSONParseError.self) { try parse("\"\(plain)") }
    }

    @Test func nestedContainersKeepTheirOwnElements() throws {
        let text = #"{"a":[1,{"b":[2,3],"c":{}},[]],"d":{"e":[4]},"f":[[5],[6,7]]}"#
        #expect(try parse(text).jsonText == text)
    }

    @Test func aFailureAfterNestingLeavesNothingBehind() throws {
        #expect(throws: JSONParseError.self) { try parse(#"{"a":[1,{"b":["x","y"#) }
        // The next parse starts from clean stacks.
        #expect(try parse(#"[{"k":"v"}]"#).jsonText == #"[{"k":"v"}]"#)
    }

    @Test func containersLargerThanTheInitialStack() throws {
        let numbers = (0..<200).map(String.init).joined(separator: ",")
        let members = (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(try parse("[\(numbers)]").jsonText == "[\(numbers)]")
        #expect(try parse("{\(members)}").jsonText == "{\(members)}")
    }
}
