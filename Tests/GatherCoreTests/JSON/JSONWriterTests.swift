import Testing
@testable import GatherCore

@Suite struct JSONWriterTests {
    private func text(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func stringEscapes() {
        #expect(text { $0.writeString("a\"b\\c/d") } == #""a\"b\\c/d""#)
        #expect(text { $0.writeString("\n\r\t\u{8}\u{C}") } == #""\n\r\t\b\f""#)
        #expect(text { $0.writeString("\u{0}\u{1}\u{1F}\u{7F}") } == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(text { $0.writeString("é😀 中") } == "\"é😀 中\"")
        #expect(text { $0.writeString("") } == "\"\"")
    }

    /// Escapes before, inside and after the eight-byte words the writer skips whole.
    @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 23])
    func escapesAtEveryOffset(offset: Int) {
        let plain = String(repeating: "a", count: offset)
        let tail = "bcdefghijé"
        #expect(text { $0.writeString(plain + "\"" + tail) } == "\"" + plain + "\\\"" + tail + "\"")
        #expect(text { $0.writeString(plain + "\u{1}" + tail + "\\") } == "\"" + plain + "\\u0001" + tail + "\\\\\"")
        #expect(text { $0.writeString(plain + "\u{7F}\u{80}ÿ" + tail) } == "\"" + plain + "\u{7F}\u{80}ÿ" + tail + "\"")
    }

    @Test func integers() {
        #expect(text { $0.writeInt(Int64(0)) } == "0")
        #expect(text { $0.writeInt(Int64(-7)) } == "-7")
        #expect(text { $0.writeInt(Int64(1234567890)) } == "1234567890")
        #expect(text { $0.writeInt(Int64.max) } == "9223372036854775807")
        #expect(text { $0.writeInt(Int64.min) } == "-9223372036854775808")
    }

    @Test(arguments: [
        (12.0, "12.0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e20, "1e+20"), (1e-7, "1e-07"),
        (0.30000000000000004, "0.30000000000000004"), (Double.nan, "null"), (Double.infinity, "null"),
        (-Double.infinity, "null"),
    ])
    func doubles(value: Double, expected: String) {
        #expect(text { $0.writeDouble(value) } == expected)
    }

    @Test(arguments: [
        (12.44, "12.4"), (250.0, "250.0"), (3.06, "3.1"), (0.04, "0.0"), (0.05000001, "0.1"),
        (1234.96, "1235.0"), (-1.0, "0.0"), (Double.nan, "0.0"), (Double.infinity, "0.0"),
    ])
    func tenths(value: Double, expected: String) {
        #expect(text { $0.writeTenths(value) } == expected)
    }

    @Test func writesNestedValuesCompactly() {
        let value = JSONValue.object(JSONObject([
            ("z", .array([.int(1), .double(2.5), .null, .bool(true), .bool(false)])),
            ("a", .object(JSONObject([("s", .string("x\"y"))]))),
            ("e", .array([])),
            ("o", .object(JSONObject())),
        ]))
        #expect(value.jsonText == #"{"z":[1,2.5,null,true,false],"a":{"s":"x\"y"},"e":[],"o":{}}"#)
    }

    @Test(arguments: [
        #"{"url":"https://a.example/x?q=1","title":"Caf\u00e9 \"Lux\"","n":[1,-2,3.25,1e+300,null],"t":true}"#,
        #"[[],{},"\ud83d\ude00","\u0001\n",-9223372036854775808,0.5]"#,
    ])
    func parseWriteParseRoundTrip(input: String) throws {
        let first = try JSONParser.parse(Array(input.utf8))
        let written = first.serialized()
        let second = try JSONParser.parse(written)
        #expect(first == second)
        #expect(second.serialized() == written)
    }

    @Test func resetKeepsCapacity() {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.write(.array([.int(1), .int(2)]))
        let capacity = writer.buffer.capacity
        writer.reset()
        #expect(writer.bytes.isEmpty)
        #expect(writer.buffer.capacity == capacity)
        writer.writeRaw("true")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "true")
    }
}
