import Foundation
import GatherCore
@testable import GatherFixtures
import Testing

@Suite("FixtureLatency")
struct FixtureLatencyTests {
    @Test("sigma is ln(p99/median)/2.326")
    func sigma() {
        let latency = FixtureLatency.lognormal(median: .milliseconds(20), p99: .milliseconds(120))
        // ln(6) = 1.791759…; / 2.326 = 0.770318…
        #expect(abs(latency.sigma - 0.770318) < 1e-5)
        #expect(FixtureLatency.lognormal(median: .milliseconds(5), p99: .milliseconds(5)).sigma == 0)
    }

    @Test("u2 = 0.25 puts the normal deviate at 0, so the sample is the median")
    func medianDraw() {
        // cos(2π·0.25) = 0 whatever u1 is.
        let latency = FixtureLatency.lognormal(median: .milliseconds(8), p99: .milliseconds(25))
        #expect(latency.sample(uniform1: 0.6, uniform2: 0.25) == .milliseconds(8))
    }

    @Test("a known draw: u1 = 1 - e^-2, u2 = 0 gives z = 2, so median·e^(2σ)")
    func knownDraw() {
        let latency = FixtureLatency.lognormal(median: .milliseconds(10), p99: .milliseconds(40))
        // z = sqrt(-2 ln(e^-2)) · cos 0 = 2; σ = ln 4 / 2.326 = 0.595997…; 10ms · e^1.191994… = 32.9345…ms
        let sample = latency.sample(uniform1: 1 - exp(-2), uniform2: 0)
        #expect(abs(sample.milliseconds - 32.9345) < 0.01)
    }

    @Test("fixed and none ignore the draws")
    func fixedAndNone() {
        #expect(FixtureLatency.fixed(.milliseconds(5)).sample(uniform1: 0.9, uniform2: 0.1) == .milliseconds(5))
        #expect(FixtureLatency.none.sample(uniform1: 0.9, uniform2: 0.1) == .zero)
    }

    @Test("the median of many seeded samples is the configured median within 10%, and the p99 near p99")
    func empiricalQuantiles() {
        let latency = FixtureLatency.lognormal(median: .milliseconds(20), p99: .milliseconds(120))
        var generator = SplitMixGenerator(seed: 42)
        let samples = (0..<20_001).map { _ in
            latency.sample(uniform1: generator.nextUnit(), uniform2: generator.nextUnit()).milliseconds
        }.sorted()
        let median = samples[10_000], p99 = samples[19_801]
        #expect(abs(median - 20) / 20 < 0.10)
        #expect(abs(p99 - 120) / 120 < 0.15)
    }

    @Test("the same seed gives the same latency sequence")
    func reproducibleSequence() {
        let latency = FixtureLatency.lognormal(median: .milliseconds(8), p99: .milliseconds(25))
        func sequence(seed: UInt64) -> [Duration] {
            var generator = SplitMixGenerator(seed: seed)
            return (0..<50).map { _ in latency.sample(uniform1: generator.nextUnit(), uniform2: generator.nextUnit()) }
        }
        #expect(sequence(seed: 11) == sequence(seed: 11))
        #expect(sequence(seed: 11) != sequence(seed: 12))
    }
}
