import Testing
@testable import GatherFixtures

@Suite("FixtureUnits")
struct FixtureUnitsTests {
    @Test func durations() {
        #expect(FixtureUnits.duration("5ms") == .milliseconds(5))
        #expect(FixtureUnits.duration("1.5s") == .milliseconds(1500))
        #expect(FixtureUnits.duration("250us") == .microseconds(250))
        #expect(FixtureUnits.duration("2m") == .seconds(120))
        #expect(FixtureUnits.duration("0") == .zero)
        #expect(FixtureUnits.duration("5") == nil)
        #expect(FixtureUnits.duration("-1s") == nil)
        #expect(FixtureUnits.duration("1e300s") == nil)
        #expect(FixtureUnits.duration("ms") == nil)
    }

    @Test func sizes() {
        #expect(FixtureUnits.size("16MiB") == 16_777_216)
        #expect(FixtureUnits.size("512KiB") == 524_288)
        #expect(FixtureUnits.size("2KB") == 2000)
        #expect(FixtureUnits.size("100B") == 100)
        #expect(FixtureUnits.size("4096") == 4096)
        #expect(FixtureUnits.size("2GiB") == nil)
        #expect(FixtureUnits.size("lots") == nil)
        #expect(FixtureUnits.size("-5") == nil)
    }
}
