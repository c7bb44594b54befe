import Testing
@testable import GatherCore

struct UnitsParsingTests {
    @Test(arguments: [
        ("250ms", Int64(250_000_000)),
        ("1.5s", 1_500_000_000),
        ("2m", 120_000_000_000),
        ("100us", 100_000),
        ("0ms", 0),
        ("0.25ms", 250_000),
        ("1s", 1_000_000_000),
        ("10.000000001s", 10_000_000_001),
    ])
    func durationsParse(text: String, nanoseconds: Int64) {
        #expect(DurationParser.parse(text) == .nanoseconds(nanoseconds))
    }

    @Test(arguments: ["", "250", "ms", "-1s", "+1s", "1 s", " 1s", "1.s", ".5s", "1h", "1S", "1e3ms", "1.5.0s",
                      "99999999999999999999s", "9999999999999999m"])
    func durationsRefuse(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test func durationsFormatInTheLargestExactUnit() {
        #expect(DurationParser.format(.milliseconds(250)) == "250ms")
        #expect(DurationParser.format(.seconds(2)) == "2s")
        #expect(DurationParser.format(.microseconds(1500)) == "1500us")
        #expect(DurationParser.format(.nanoseconds(7)) == "7ns")
    }

    @Test(arguments: [
        ("100B", 100),
        ("64KB", 64_000),
        ("512KiB", 524_288),
        ("8MiB", 8_388_608),
        ("1GiB", 1_073_741_824),
        ("2MB", 2_000_000),
        ("1GB", 1_000_000_000),
        ("1.5KiB", 1_536),
        ("0B", 0),
    ])
    func sizesParse(text: String, bytes: Int) {
        #expect(SizeParser.parse(text) == bytes)
    }

    @Test(arguments: ["", "8", "MiB", "8mib", "8Mb", "8 MiB", "-1B", "8MIB", "1TiB", "99999999999999999999B",
                      "99999999999GiB"])
    func sizesRefuse(text: String) {
        #expect(SizeParser.parse(text) == nil)
    }

    @Test func percentages() {
        #expect(PercentParser.parseFraction("2%") == 0.02)
        #expect(PercentParser.parseFraction("100%") == 1)
        #expect(PercentParser.parsePercent("66%") == 66)
        #expect(PercentParser.parsePercent("0.5%") == 0.5)
        #expect(PercentParser.parsePercent("101%") == nil)
        #expect(PercentParser.parsePercent("2") == nil)
        #expect(PercentParser.parsePercent("-2%") == nil)
        #expect(PercentParser.parsePercent("%") == nil)
    }
}
