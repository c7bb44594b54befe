import Testing
@testable import GatherCore
@testable import GatherServer

/// What the latency window, the replica estimates and the budgets learn from how attempts end.
@Suite struct UpstreamHealthAdaptiveTests {
    private let ms: Int64 = 1_000_000

    private func health(replicas: Int = 0, timeout: Duration = .seconds(1), hedge: HedgeSpec? = nil,
                        retry: RetrySpec? = nil, circuit: CircuitSpec? = nil) throws -> UpstreamHealth {
        let url = try URLTemplate(parsing: "http://127.0.0.1:9101/search")
        let replicaURLs = try (0..<replicas).map { try URLTemplate(parsing: "http://127.0.0.1:\(9111 + $0)/search") }
        let spec = UpstreamSpec(name: "alpha", url: url, replicas: replicaURLs, timeout: timeout, hedge: hedge,
                                retry: retry, circuit: circuit)
        return UpstreamHealth(spec: spec, seed: 7)
    }

    /// 1…100 ms in a scrambled order (37 is coprime to 100, so each value comes once).
    private func recordOneToHundred(_ health: UpstreamHealth) {
        for index in 0..<100 {
            _ = health.admit(now: 0)
            health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: Int64((index * 37) % 100 + 1) * ms), now: 0)
        }
    }

    @Test func hedgeDelayConvergesToTheConfiguredPercentile() throws {
        let health = try health(hedge: HedgeSpec(after: .percentile(95)))
        recordOneToHundred(health)
        #expect(health.hedgeDelay() == 95 * ms)
        #expect(health.expectedLatency() == 50 * ms)
        // The upstream slows down: once the window (1024) holds only new samples, 0.5…512 ms in
        // steps of 0.5, p95 is rank ⌈0.95 · 1024⌉ = 973, i.e. 486.5 ms.
        for index in 0..<1024 {
            _ = health.admit(now: 0)
            health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: Int64((index * 37) % 1024 + 1) * ms / 2), now: 0)
        }
        #expect(health.hedgeDelay() == 973 * ms / 2)
    }

    @Test func aHedgeBudgetMovesTheAdaptivePercentile() throws {
        let health = try health(hedge: HedgeSpec(after: .percentile(95), budget: 0.02))
        recordOneToHundred(health)
        #expect(health.hedgeDelay() == 99 * ms)          // p98.5 (¾ of the 2% budget): rank ⌈98.5⌉ = 99, not p95
        #expect(health.snapshot().hedgeDelayMs == 99)
        #expect(health.snapshot().p95Ms == 95)
    }

    @Test func timeoutsAndOvertakenPrimariesStayInTheWindowFastFailuresDoNot() throws {
        let health = try health(hedge: HedgeSpec(after: .percentile(95)), circuit: CircuitSpec(failures: 100))
        func end(_ kind: AttemptKind, _ end: AttemptEnd, times: Int) {
            for _ in 0..<times { health.attemptEnded(replica: 0, kind: kind, end: end, now: 0) }
        }
        end(.primary, .answered(latency: 10 * ms), times: 12)
        end(.primary, .failed, times: 5)
        end(.primary, .timedOut(after: 200 * ms), times: 5)
        end(.primary, .cutShort(after: 150 * ms), times: 3)
        end(.primary, .abandoned, times: 4)
        end(.retry, .timedOut(after: 300 * ms), times: 1)
        end(.hedge, .answered(latency: 1 * ms), times: 3)
        let snapshot = health.snapshot()
        // Sorted window: 12 × 10ms, 3 × 150ms, 5 × 200ms; p95 is rank 19 of 20.
        #expect(snapshot.samples == 20)
        #expect(snapshot.p50Ms == 10)
        #expect(snapshot.p95Ms == 200)
        #expect(snapshot.failures == 11)                 // 5 failed + 5 timed out + the retry
        #expect(snapshot.consecutiveFailures == 0)       // the hedges' answers came last
    }

    @Test func timeoutsOpenTheBreakerOvertakenAttemptsDoNot() throws {
        let health = try health(circuit: CircuitSpec(failures: 2, cooldown: .seconds(5)))
        for _ in 0..<3 { health.attemptEnded(replica: 0, kind: .primary, end: .cutShort(after: 90 * ms), now: 0) }
        #expect(health.snapshot().circuit == "closed")
        health.attemptEnded(replica: 0, kind: .primary, end: .timedOut(after: 1_000 * ms), now: 0)
        health.attemptEnded(replica: 0, kind: .hedge, end: .timedOut(after: 1_000 * ms), now: 0)
        #expect(health.snapshot().circuit == "open")
    }

    /// t=0: nothing known, a tie → replica 0, which answers in 5ms. t=10ms: replica 1 has no
    /// estimate, so it costs what replica 0 does; the tie goes to 1 (the cursor moved past 0) and
    /// it fails: penalised at the timeout (1s), it gets nothing more.
    @Test func aFailingReplicaLosesItsTraffic() throws {
        let health = try health(replicas: 1)
        var picks = [0, 0]
        for step in 0..<100 {
            let now = Int64(step) * 10 * ms
            guard case .send(let replica) = health.admit(now: now) else {
                Issue.record("not sent")
                return
            }
            picks[replica] += 1
            health.attemptEnded(replica: replica, kind: .primary,
                                end: replica == 0 ? .answered(latency: 5 * ms) : .failed, now: now + 5 * ms)
        }
        #expect(picks == [99, 1])
        let estimates = health.snapshot().latencyEstimateMsByReplica
        #expect(estimates.count == 2)
        #expect(estimates[1] == 1_000)
    }

    @Test func refusedHedgesAndRetriesAreCounted() throws {
        let health = try health(hedge: HedgeSpec(after: .fixed(.milliseconds(10)), budget: 0.5),
                                circuit: CircuitSpec(failures: 1, cooldown: .seconds(5)))
        _ = health.admit(now: 0)
        #expect(health.allowHedge())                     // 1.5 tokens → 0.5
        #expect(!health.allowHedge())
        #expect(!health.allowHedge())
        health.attemptEnded(replica: 0, kind: .primary, end: .failed, now: 1)     // opens the circuit
        #expect(!health.allowRetry())                    // no retry budget, but the circuit is open
        let snapshot = health.snapshot()
        #expect(snapshot.hedgesRefused == 2)
        #expect(snapshot.retriesRefused == 1)
        #expect(snapshot.hedges == 0)                    // allowHedge alone does not send
    }

    @Test func retriesHaveATenPercentBudgetByDefault() throws {
        let health = try health(retry: RetrySpec(attempts: 3))
        #expect(health.allowRetry())                     // the cold-start token
        #expect(!health.allowRetry())
        for _ in 0..<9 { _ = health.admit(now: 0) }
        #expect(!health.allowRetry())                    // 0.9 tokens
        _ = health.admit(now: 0)
        #expect(health.allowRetry())                     // 1.0
        #expect(!health.allowRetry())
        #expect(health.snapshot().retriesRefused == 3)
    }

    /// 100 failing requests, each asking for a retry right after its primary: the cold-start
    /// token pays for the first, then every 10th primary earns one more: 11 retries, 89 refused.
    @Test func theRetryBudgetHoldsUnderABurstOfFailures() throws {
        let health = try health(retry: RetrySpec(attempts: 2))
        var allowed = 0
        for _ in 0..<100 {
            _ = health.admit(now: 0)
            health.attemptEnded(replica: 0, kind: .primary, end: .failed, now: 0)
            if health.allowRetry() {
                allowed += 1
                health.attemptStarted(replica: 0, kind: .retry)
                health.attemptEnded(replica: 0, kind: .retry, end: .failed, now: 0)
            }
        }
        #expect(allowed == 11)
        let snapshot = health.snapshot()
        #expect(snapshot.retries == 11)
        #expect(snapshot.retriesRefused == 89)
        #expect(snapshot.attempts == 111)
    }
}
