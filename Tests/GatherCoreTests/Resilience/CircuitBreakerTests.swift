import Testing
@testable import GatherCore

@Suite struct CircuitBreakerTests {
    /// `allow` at each instant in turn; the macro cannot call a mutating method itself.
    private func allow(_ breaker: inout CircuitBreaker, at instants: [Int64]) -> [Bool] {
        instants.map { breaker.allow(now: $0) }
    }

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(failures: 3, cooldown: 100)
        breaker.record(success: false, now: 1)
        breaker.record(success: false, now: 2)
        breaker.record(success: true, now: 3)                         // the run restarts
        breaker.record(success: false, now: 4)
        breaker.record(success: false, now: 5)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 2)
        breaker.record(success: false, now: 6)
        #expect(breaker.state == .open(until: 106))
    }

    @Test func openRefusesUntilCooldownThenLetsOneTrialThrough() {
        var breaker = CircuitBreaker(failures: 1, cooldown: 100)
        breaker.record(success: false, now: 10)
        #expect(allow(&breaker, at: [50, 109]) == [false, false])
        #expect(breaker.wouldAllow(now: 110))
        #expect(breaker.state == .open(until: 110))                   // peeking claims nothing
        #expect(allow(&breaker, at: [110]) == [true])
        #expect(breaker.state == .halfOpen)
        #expect(!breaker.wouldAllow(now: 111))
        #expect(allow(&breaker, at: [111, 500]) == [false, false])
        breaker.record(success: true, now: 120)
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(allow(&breaker, at: [121, 121]) == [true, true])
    }

    @Test func failedTrialOpensForAnotherCooldown() {
        var breaker = CircuitBreaker(failures: 2, cooldown: 100)
        breaker.record(success: false, now: 0)
        breaker.record(success: false, now: 0)
        #expect(allow(&breaker, at: [100]) == [true])
        breaker.record(success: false, now: 130)
        #expect(breaker.state == .open(until: 230))
        #expect(allow(&breaker, at: [229, 230]) == [false, true])
    }

    @Test func cancelledTrialFreesTheSlot() {
        var breaker = CircuitBreaker(failures: 1, cooldown: 10)
        breaker.record(success: false, now: 0)
        #expect(allow(&breaker, at: [10]) == [true])
        breaker.recordCancelled()
        #expect(breaker.state == .halfOpen)
        #expect(allow(&breaker, at: [11, 11]) == [true, false])
    }

    @Test func resultsWhileOpenAreIgnored() {
        var breaker = CircuitBreaker(failures: 1, cooldown: 100)
        breaker.record(success: false, now: 0)
        breaker.record(success: true, now: 5)                         // a straggler sent while closed
        breaker.record(success: false, now: 50)                       // does not extend the cooldown either
        breaker.recordCancelled()
        #expect(breaker.state == .open(until: 100))
    }

    @Test func cancellationWhileClosedKeepsTheRun() {
        var breaker = CircuitBreaker(failures: 2, cooldown: 1)
        breaker.record(success: false, now: 0)
        breaker.recordCancelled()
        breaker.record(success: false, now: 0)
        #expect(breaker.state == .open(until: 1))
    }

    @Test func badSettingsAndOverflowAreSafe() {
        var breaker = CircuitBreaker(failures: 0, cooldown: .max)
        #expect(breaker.failureThreshold == 1)
        breaker.record(success: false, now: 5)
        #expect(breaker.state == .open(until: .max))
        #expect(CircuitBreaker(failures: 3, cooldown: -4).cooldown == 0)
    }

    @Test func buildsFromSpec() {
        let breaker = CircuitBreaker(spec: CircuitSpec(failures: 5, cooldown: .seconds(5)))
        #expect(breaker.failureThreshold == 5)
        #expect(breaker.cooldown == 5_000_000_000)
        #expect(breaker.state.name == "closed")
        #expect(CircuitBreaker.State.halfOpen.name == "half_open")
        #expect(CircuitBreaker.State.open(until: 3).name == "open")
    }
}
