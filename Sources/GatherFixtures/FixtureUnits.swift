/// Parses the duration and size notations of fixture files (`5ms`, `1.5s`, `16MiB`).
enum FixtureUnits {
    private static let durationUnits: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
    ]

    private static let sizeUnits: [(suffix: String, bytes: Double)] = [
        ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024 * 1024 * 1024),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
    ]

    /// A duration such as `250ms`, `1.5s`, or a bare `0`; nil when malformed, negative or above a day.
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces
        if trimmed == "0" { return .zero }
        // Longest suffix first so `ms` is not read as `s` after a number ending in `m`.
        for unit in durationUnits.sorted(by: { $0.suffix.count > $1.suffix.count }) where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)), number.isFinite, number >= 0 else { return nil }
            let nanos = number * unit.nanoseconds
            guard nanos <= 86_400 * 1_000_000_000 else { return nil }
            return .nanoseconds(Int64(nanos.rounded()))
        }
        return nil
    }

    /// A size such as `16MiB`, `512KiB`, `100B` or a bare byte count; nil when malformed or above 1 GiB.
    static func size(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        if let plain = Int(trimmed) { return (0...(1 << 30)).contains(plain) ? plain : nil }
        for unit in sizeUnits where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count).trimmingSpaces), number.isFinite, number >= 0 else {
                return nil
            }
            let bytes = (number * unit.bytes).rounded()
            guard bytes <= Double(1 << 30) else { return nil }
            return Int(bytes)
        }
        return nil
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
