/// Parses byte sizes: a decimal number directly followed by a unit, case-sensitive:
/// `B`, `KB` `MB` `GB` (powers of 1000) or `KiB` `MiB` `GiB` (powers of 1024).
/// `512KiB`, `8MiB`, `100B`, `1.5MiB`; fractional bytes are dropped. A bare number is refused
/// so that nobody writes `max_body: 8` meaning megabytes and gets eight bytes.
public enum SizeParser {
    public static let units: [(suffix: String, bytes: Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000),
        ("B", 1),
    ]

    public static let expectedForm = "a size such as 100B, 64KB, 512KiB or 8MiB (units: B, KB, MB, GB, KiB, MiB, GiB)"

    public static func parse(_ text: String) -> Int? {
        // The table lists longer suffixes before "B", which all of them end with.
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard let decimal = DecimalText(number), let bytes = decimal.scaled(by: unit.bytes) else { return nil }
            return Int(exactly: bytes)
        }
        return nil
    }
}
