/// One line as libcurl hands it to the header callback, classified without copying the line
/// more than once: the name is lowercased while it is copied into its String.
enum ResponseHeaderLine: Equatable {
    /// `HTTP/1.1 200 OK`: a new response starts (an interim 1xx one, or the final one).
    case statusLine(code: Int)
    case field(name: String, value: String)
    /// An obsolete folded line (starts with space or tab): more of the previous field's value.
    case continuation(String)
    /// A field the caller does not keep (see `parse(_:keepingFields:)`).
    case skippedField
    /// The empty line ending a header block.
    case blank
    /// No colon, or an empty name: ignored.
    case malformed

    /// `keepingFields` false: a field other than Content-Length is `.skippedField`, its name and
    /// value never copied into Strings.
    static func parse(_ line: UnsafeRawBufferPointer, keepingFields: Bool = true) -> ResponseHeaderLine {
        var end = line.count
        while end > 0, line[end - 1] == asciiLF || line[end - 1] == asciiCR {
            end -= 1
        }
        if end == 0 {
            return .blank
        }
        if end >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"),
           line[2] == UInt8(ascii: "T"), line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/") {
            return .statusLine(code: statusCode(line, end: end))
        }
        if line[0] == asciiSpace || line[0] == asciiTab {
            let (from, to) = trimmed(line, from: 0, to: end)
            return .continuation(string(line, from: from, to: to))
        }
        var colon = 0
        while colon < end, line[colon] != asciiColon {
            colon += 1
        }
        guard colon < end else {
            return .malformed
        }
        let (nameFrom, nameTo) = trimmed(line, from: 0, to: colon)
        guard nameFrom < nameTo else {
            return .malformed
        }
        if !keepingFields, !RequestHeaderEncoder.equalsIgnoringASCIICase(
            bytes: UnsafeRawBufferPointer(rebasing: line[nameFrom..<nameTo]), "content-length") {
            return .skippedField
        }
        let (valueFrom, valueTo) = trimmed(line, from: colon + 1, to: end)
        return .field(name: lowercasedString(line, from: nameFrom, to: nameTo),
                      value: string(line, from: valueFrom, to: valueTo))
    }

    /// A Content-Length value as a byte count; one too big for Int saturates (it is too large
    /// for any limit anyway). Nil when it is not all digits.
    static func contentLength(_ value: String) -> Int? {
        var result = 0
        var sawDigit = false
        for byte in value.utf8 {
            guard byte >= asciiZero, byte <= asciiZero + 9 else {
                return nil
            }
            sawDigit = true
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - asciiZero))
            if overflow1 || overflow2 {
                return Int.max
            }
            result = sum
        }
        return sawDigit ? result : nil
    }

    /// The three digits after the first space; 0 when they are not there.
    private static func statusCode(_ line: UnsafeRawBufferPointer, end: Int) -> Int {
        var index = 0
        while index < end, line[index] != asciiSpace {
            index += 1
        }
        index += 1
        guard index + 3 <= end else {
            return 0
        }
        var code = 0
        for offset in 0..<3 {
            let byte = line[index + offset]
            guard byte >= asciiZero, byte <= asciiZero + 9 else {
                return 0
            }
            code = code * 10 + Int(byte - asciiZero)
        }
        if index + 3 < end, line[index + 3] != asciiSpace {
            return 0
        }
        return code
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> (Int, Int) {
        var start = from
        var end = to
        while start < end, line[start] == asciiSpace || line[start] == asciiTab {
            start += 1
        }
        while end > start, line[end - 1] == asciiSpace || line[end - 1] == asciiTab {
            end -= 1
        }
        return (start, end)
    }

    private static func string(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: line[from..<to]), as: UTF8.self)
    }

    private static func lowercasedString(_ line: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        let count = to - from
        var allLower = true
        for index in from..<to where line[index] >= asciiUpperA && line[index] <= asciiUpperZ {
            allLower = false
            break
        }
        if allLower {
            return string(line, from: from, to: to)
        }
        let lowered = String(unsafeUninitializedCapacity: count) { buffer in
            for offset in 0..<count {
                let byte = line[from + offset]
                buffer[offset] = (byte >= asciiUpperA && byte <= asciiUpperZ) ? byte | 0x20 : byte
            }
            return count
        }
        return lowered
    }
}

private let asciiCR = UInt8(ascii: "\r")
private let asciiLF = UInt8(ascii: "\n")
private let asciiSpace = UInt8(ascii: " ")
private let asciiTab = UInt8(ascii: "\t")
private let asciiColon = UInt8(ascii: ":")
private let asciiZero = UInt8(ascii: "0")
private let asciiUpperA = UInt8(ascii: "A")
private let asciiUpperZ = UInt8(ascii: "Z")
