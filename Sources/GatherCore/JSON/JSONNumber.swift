import Foundation

/// The numeric value of a JSON number's text, read only when a merge compares or sums it.
/// Integers that fit in 64 bits stay exact; everything else is a Double. Text beyond Double's
/// range (`1e400`) has no value here (`read` gives nil): it is passed through untouched but
/// counts as missing wherever a number is needed.
public enum JSONNumber: Sendable, Equatable {
    case int(Int64)
    case double(Double)

    public var doubleValue: Double {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        }
    }

    /// Orders two numbers: two integers exactly, anything else through Double.
    public static func less(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Bool {
        if case .int(let left) = lhs, case .int(let right) = rhs { return left < right }
        return lhs.doubleValue < rhs.doubleValue
    }

    /// The value of number text already checked by `JSONIndexer`.
    public static func read(_ text: UnsafeRawBufferPointer, isInteger: Bool) -> JSONNumber? {
        if isInteger, let exact = exactInteger(text) { return .int(exact) }
        if let fast = fastDouble(text) { return .double(fast) }
        // Correctly rounded conversion for the rest; strtod needs a terminated copy, which
        // lives on the stack for any number of a sane length.
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double in
            for position in 0..<text.count { buffer[position] = CChar(bitPattern: text[position]) }
            buffer[text.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
        return value.isFinite ? .double(value) : nil
    }

    private static func exactInteger(_ text: UnsafeRawBufferPointer) -> Int64? {
        var position = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        var magnitude: UInt64 = 0
        while position < text.count {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(text[position] &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            position += 1
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A decimal with at most 15 significant digits and a power of ten up to 22, computed as one
    /// exact integer times or divided by one exact power of ten: IEEE arithmetic rounds that
    /// single operation correctly, so the result equals what `strtod` gives (Clinger's fast
    /// path). Nil for anything else.
    private static func fastDouble(_ text: UnsafeRawBufferPointer) -> Double? {
        var position = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var inFraction = false
        while position < text.count {
            let byte = text[position]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if mantissa != 0 || byte != UInt8(ascii: "0") { significantDigits += 1 }
                guard significantDigits <= 15 else { return nil }
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
            } else {
                break  // 'e' or 'E'
            }
            position += 1
        }
        var exponent = 0
        if position < text.count {
            position += 1
            var exponentNegative = false
            if text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-") {
                exponentNegative = text[position] == UInt8(ascii: "-")
                position += 1
            }
            guard text.count - position <= 3 else { return nil }
            while position < text.count {
                exponent = exponent * 10 + Int(text[position] - UInt8(ascii: "0"))
                position += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        exponent -= fractionDigits
        guard exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            value /= powersOfTen[-exponent]
        } else {
            value *= powersOfTen[exponent]
        }
        // -0.0 keeps its sign: it equals 0 in every comparison anyway.
        return negative ? -value : value
    }

    /// 1e0 … 1e22, every one exactly representable as a Double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}

extension JSONDocument {
    /// The numeric value of a number; nil for other kinds and for numbers beyond Double's range.
    public func number(_ value: Int) -> JSONNumber? {
        guard kind(value) == .number else { return nil }
        return withBytes(of: value) { JSONNumber.read($0, isInteger: isIntegerText(value)) }
    }
}
