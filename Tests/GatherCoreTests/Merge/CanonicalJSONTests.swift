import Testing
@testable import GatherCore

@Suite struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        CanonicalJSON.text(try JSONParser.parse(Array(text.utf8)))
    }

    @Test func keysSortByCodePointAtEveryDepth() throws {
        #expect(try canonical(#"{"b":1,"a":{"z":[{"y":1,"x":2}],"B":true},"":null}"#)
                == #"{"":null,"a":{"B":true,"z":[{"x":2,"y":1}]},"b":1}"#)
        // Code point order, not locale or Unicode collation: "Z" (5A) < "a" (61) < "é" (E9)
        // < "€" (20AC) < "😀" (1F600), and "\uFFFF" sorts before the astral emoji even though
        // UTF-16 would put it after.
        #expect(try canonical(#"{"😀":1,"\uffff":2,"€":3,"é":4,"a":5,"Z":6}"#)
                == "{\"Z\":6,\"a\":5,\"é\":4,\"€\":3,\"\u{FFFF}\":2,\"😀\":1}")
    }

    @Test func memberOrderDoesNotMatterButArrayOrderDoes() throws {
        #expect(try canonical(#"{"a":1,"b":[1,2]}"#) == (try canonical(#" { "b" : [1, 2], "a" : 1 } "#)))
        #expect(try canonical("[1,2]") != (try canonical("[2,1]")))
    }

    @Test func repeatedKeysKeepTheFirst() throws {
        #expect(try canonical(#"{"b":1,"a":2,"b":3,"a":4}"#) == #"{"a":2,"b":1}"#)
    }

    @Test func equalNumbersHaveOneForm() throws {
        for text in ["1", "1.0", "1e0", "10e-1", "0.1e1", "1.00000", "100E-2"] {
            #expect(try canonical(text) == "1", "\(text)")
        }
        for text in ["0", "-0", "0.0", "-0.0", "0e5"] {
            #expect(try canonical(text) == "0", "\(text)")
        }
        #expect(try canonical("-2.5e1") == "-25")
        #expect(try canonical("1.5") == "1.5")
        #expect(try canonical("0.1") == "0.1")
        #expect(try canonical("1e-7") == (try canonical("0.0000001")))
        #expect(try canonical("1.5") != (try canonical("1.50000001")))
    }

    @Test func int64RangeBoundaries() throws {
        #expect(try canonical("9223372036854775807") == "9223372036854775807")
        #expect(try canonical("-9223372036854775808") == "-9223372036854775808")
        // -2^63 as a double is an Int64; 2^63 is not, and stays a double.
        #expect(try canonical("-9.223372036854775808e18") == "-9223372036854775808")
        #expect(try canonical("9223372036854775808") == (try canonical("9.223372036854775808e18")))
        #expect(try canonical("9223372036854775808") != "9223372036854775808")
        #expect(try canonical("1e300") == (try canonical("10e299")))
        // 2^53 is exact both ways.
        #expect(try canonical("9007199254740992.0") == "9007199254740992")
    }

    @Test func stringsHaveOneEscaping() throws {
        // "\/", "\u00e9" and a raw "é" are the same strings once parsed.
        #expect(try canonical(#""a\/b\u00e9\u0041""#) == "\"a/béA\"")
        #expect(try canonical(#""\u0008\u000c\n\r\t\u0001\"\\""#) == #""\b\f\n\r\t\u0001\"\\""#)
        #expect(try canonical(#""\ud83d\ude00""#) == "\"😀\"")
        // No Unicode normalisation: precomposed and decomposed "é" differ.
        // (Compared as bytes: Swift's String == would call them equal.)
        #expect(CanonicalJSON.bytes(.string("\u{E9}")) == [0x22, 0xC3, 0xA9, 0x22])
        #expect(CanonicalJSON.bytes(.string("e\u{301}")) == [0x22, 0x65, 0xCC, 0x81, 0x22])
    }

    @Test func scalarsAndNonFiniteDoubles() {
        #expect(CanonicalJSON.text(.null) == "null")
        #expect(CanonicalJSON.text(.bool(true)) == "true")
        #expect(CanonicalJSON.text(.array([.double(.nan), .double(.infinity)])) == "[null,null]")
        #expect(CanonicalJSON.bytes(.object(JSONObject())) == Array("{}".utf8))
    }
}
