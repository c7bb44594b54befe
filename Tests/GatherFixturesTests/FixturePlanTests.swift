import GatherCore
@testable import GatherFixtures
import Testing

@Suite("FixturePlan")
struct FixturePlanTests {
    private func path(_ configure: (inout FixturePath) -> Void = { _ in }) -> FixturePath {
        var path = FixturePath(path: "/x", body: .text("ok"))
        configure(&path)
        return path
    }

    @Test("a quiet path responds at once with its own status and body")
    func quiet() {
        var generator = SplitMixGenerator(seed: 1)
        let plan = FixturePlan.draw(for: path { $0.status = 201 }, using: &generator)
        #expect(plan == FixturePlan(delay: .zero, action: .respond, status: 201, content: .configured, delivery: .whole))
    }

    @Test("error rate 1 replaces status and body")
    func errorAlways() {
        var generator = SplitMixGenerator(seed: 1)
        let plan = FixturePlan.draw(for: path { $0.error = FixtureErrorInjection(rate: 1, status: 502) }, using: &generator)
        #expect(plan.status == 502)
        #expect(plan.content == .injectedError)
        #expect(plan.action == .respond)
    }

    @Test("stall adds its duration to the latency")
    func stall() {
        var generator = SplitMixGenerator(seed: 1)
        let plan = FixturePlan.draw(for: path {
            $0.latency = .fixed(.milliseconds(5))
            $0.stall = FixtureStall(rate: 1, duration: .seconds(2))
        }, using: &generator)
        #expect(plan.delay == .milliseconds(2005))
    }

    @Test("reset beats garbage, garbage beats a response; truncate beats drip")
    func precedence() {
        var generator = SplitMixGenerator(seed: 1)
        #expect(FixturePlan.draw(for: path { $0.reset = 1; $0.garbage = 1 }, using: &generator).action == .reset)
        #expect(FixturePlan.draw(for: path { $0.garbage = 1; $0.error.rate = 1 }, using: &generator).action == .garbage)
        let both = FixturePlan.draw(for: path { $0.truncate = 1; $0.drip = FixtureDrip(rate: 1) }, using: &generator)
        #expect(both.delivery == .truncated)
        let oversized = FixturePlan.draw(for: path { $0.oversized = FixtureOversized(rate: 1, bytes: 1000) }, using: &generator)
        #expect(oversized.content == .oversized(bytes: 1000))
    }

    @Test("every request consumes the same number of draws, whatever is configured")
    func fixedDrawCount() {
        var quiet = SplitMixGenerator(seed: 9), noisy = SplitMixGenerator(seed: 9), reference = SplitMixGenerator(seed: 9)
        _ = FixturePlan.draw(for: path(), using: &quiet)
        _ = FixturePlan.draw(for: path { $0.latency = .lognormal(median: .milliseconds(5), p99: .milliseconds(9)); $0.reset = 0.5 },
                             using: &noisy)
        for _ in 0..<FixturePlan.drawsPerRequest { _ = reference.next() }
        #expect(quiet.next() == reference.next())
        #expect(noisy.next() == SplitMixGenerator(seed: 9).nextAfter(FixturePlan.drawsPerRequest + 1))
    }

    @Test("a fractional rate fires on roughly that share of a seeded sequence")
    func rateShare() {
        var generator = SplitMixGenerator(seed: 5)
        let fixture = path { $0.error = FixtureErrorInjection(rate: 0.25) }
        let errors = (0..<4000).filter { _ in FixturePlan.draw(for: fixture, using: &generator).content == .injectedError }.count
        #expect((900...1100).contains(errors))
    }
}

private extension SplitMixGenerator {
    /// The `count`-th output (1-based) of a fresh generator with this state.
    func nextAfter(_ count: Int) -> UInt64 {
        var copy = self
        var value: UInt64 = 0
        for _ in 0..<count { value = copy.next() }
        return value
    }
}
