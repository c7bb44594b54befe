import Testing
@testable import GatherCore

@Suite struct AttemptBudgetTests {
    /// `count` tries in a row; the macro cannot call a mutating method itself.
    private func consume(_ budget: inout AttemptBudget, times count: Int) -> [Bool] {
        (0..<count).map { _ in budget.tryConsume() }
    }

    private func primaries(_ budget: inout AttemptBudget, _ count: Int) {
        for _ in 0..<count { budget.recordPrimary() }
    }

    @Test func twoPercentSequence() {
        var budget = AttemptBudget(ratio: 0.02)
        #expect(budget.earnedPerPrimary == 20_000)
        #expect(budget.balance == 1_000_000)                          // cold-start allowance
        #expect(consume(&budget, times: 2) == [true, false])
        #expect(budget.balance == 0)
        primaries(&budget, 49)
        #expect(budget.balance == 980_000)
        #expect(consume(&budget, times: 1) == [false])
        #expect(budget.balance == 980_000)                            // a refusal costs nothing
        primaries(&budget, 1)
        #expect(consume(&budget, times: 2) == [true, false])
    }

    @Test func tenPercentAccruesFromTheAllowance() {
        var budget = AttemptBudget(ratio: 0.1)
        primaries(&budget, 5)                                         // 1 + 0.5
        #expect(budget.tokens == 1.5)
        #expect(consume(&budget, times: 2) == [true, false])          // 0.5 left
        primaries(&budget, 5)                                         // 1.0
        #expect(consume(&budget, times: 2) == [true, false])
    }

    @Test func balanceIsCappedAtThirtyTokens() {
        var budget = AttemptBudget(ratio: 1)
        primaries(&budget, 40)                                        // 1 + 40, capped
        #expect(budget.balance == 30_000_000)
        #expect(consume(&budget, times: 31) == Array(repeating: true, count: 30) + [false])
    }

    @Test func zeroRatioMeansNever() {
        var budget = AttemptBudget(ratio: 0)
        primaries(&budget, 100)
        #expect(consume(&budget, times: 1) == [false])
    }

    @Test func badRatiosAreClamped() {
        #expect(AttemptBudget(ratio: .nan).ratio == 0)
        #expect(AttemptBudget(ratio: -0.5).earnedPerPrimary == 0)
        #expect(AttemptBudget(ratio: 7).earnedPerPrimary == 1_000_000)
        // Far below a micro-token per primary, but not zero: still earns, still has the allowance.
        let tiny = AttemptBudget(ratio: 1e-9)
        #expect(tiny.earnedPerPrimary == 1)
        #expect(tiny.balance == 1_000_000)
    }
}
