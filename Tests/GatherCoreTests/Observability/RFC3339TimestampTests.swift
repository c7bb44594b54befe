import GatherCore
import Testing

@Suite("RFC 3339 timestamps for log lines")
struct RFC3339TimestampTests {
    @Test("UTC with milliseconds", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),       // leap day of a century leap year
        (Int64(1_735_689_599_999), "2024-12-31T23:59:59.999Z"),
        (Int64(1_763_703_635_123), "2025-11-21T05:40:35.123Z"),
        (Int64(4_107_542_400_000), "2100-03-01T00:00:00.000Z"),     // 2100 is not a leap year
        (Int64(-5), "1970-01-01T00:00:00.000Z"),                    // clamped
    ])
    func formats(_ milliseconds: Int64, _ expected: String) {
        #expect(RFC3339Timestamp.string(millisecondsSinceEpoch: milliseconds) == expected)
    }
}
