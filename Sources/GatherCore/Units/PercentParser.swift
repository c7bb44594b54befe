/// Parses `2%`, `0.5%`, `100%`. Values above 100% are refused; the caller decides whether
/// 0% makes sense.
public enum PercentParser {
    /// The percentage itself (`66%` → 66), for `Threshold.percent`. Kept as written rather
    /// than round-tripped through a fraction so that `50%` of 4 is exactly 2, not 2.0000001.
    public static func parsePercent(_ text: String) -> Double? {
        guard text.hasSuffix("%"), let decimal = DecimalText(text.dropLast()) else { return nil }
        let percent = decimal.doubleValue
        return percent <= 100 ? percent : nil
    }

    /// A fraction of one (`2%` → 0.02), for budgets.
    public static func parseFraction(_ text: String) -> Double? {
        parsePercent(text).map { $0 / 100 }
    }
}
