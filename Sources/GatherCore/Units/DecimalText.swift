/// A non-negative decimal number split into its digits, parsed without floating point so that
/// `1.5s` is exactly 1 500 000 000 ns. Accepts `12` and `12.5`; rejects signs, exponents,
/// `.5` and `5.` so that a typo is reported instead of guessed.
struct DecimalText: Equatable {
    var whole: Int64
    /// The digits after the point, at most 18 of them (finer digits are dropped).
    var fraction: Int64
    var fractionDigits: Int

    init?<S: StringProtocol>(_ text: S) {
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var wholeDigits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, wholeDigits > 0 else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            let digit = Int64(byte - 48)
            if seenPoint {
                if fractionDigits < 18 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                }
            } else {
                let (scaled, overflowA) = whole.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = scaled.addingReportingOverflow(digit)
                guard !overflowA, !overflowB else { return nil }
                whole = sum
                wholeDigits += 1
            }
        }
        guard wholeDigits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        self.whole = whole
        self.fraction = fraction
        self.fractionDigits = fractionDigits
    }

    /// `self × unit`, truncated toward zero; nil on overflow.
    func scaled(by unit: Int64) -> Int64? {
        let (wholePart, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        // fraction < divisor ≤ 10^18 and unit may be large: split unit to stay in range.
        let fractionPart = Self.multiplyDivide(fraction, unit, divisor)
        let (total, overflowSum) = wholePart.addingReportingOverflow(fractionPart)
        return overflowSum ? nil : total
    }

    var doubleValue: Double {
        var divisor = 1.0
        for _ in 0..<fractionDigits { divisor *= 10 }
        return Double(whole) + Double(fraction) / divisor
    }

    /// ⌊a × b / c⌋ for a < c, without overflow (the result is below b).
    private static func multiplyDivide(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        let product = a.multipliedFullWidth(by: b)
        let (quotient, _) = c.dividingFullWidth(product)
        return quotient
    }
}
