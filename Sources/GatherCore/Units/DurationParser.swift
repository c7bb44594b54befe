/// Parses route-file durations: a decimal number directly followed by a unit,
/// `us`, `ms`, `s` or `m` (`250ms`, `1.5s`, `2m`, `100us`). No spaces, no sign, no bare
/// numbers: a duration without a unit is ambiguous, so it is refused rather than guessed.
public enum DurationParser {
    public static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
    ]

    /// How the accepted forms are described in error messages.
    public static let expectedForm = "a duration such as 250ms, 1.5s or 2m (units: us, ms, s, m)"

    public static func parse(_ text: String) -> Duration? {
        // Longest suffixes first so that "ms" is not read as "m" after a number ending in "s".
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard let decimal = DecimalText(number), let nanoseconds = decimal.scaled(by: unit.nanoseconds) else {
                return nil
            }
            return .nanoseconds(nanoseconds)
        }
        return nil
    }
}

extension DurationParser {
    /// A duration in the largest unit that shows it exactly (`250ms`, `2s`, `1500us`), for
    /// messages that compare two durations.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.nanoseconds
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        if nanoseconds % 1_000 == 0 { return "\(nanoseconds / 1_000)us" }
        return "\(nanoseconds)ns"
    }
}
