import Testing
@testable import GatherCore
@testable import GatherServer

@Suite struct UpstreamHealthTests {
    private let ms: Int64 = 1_000_000

    private func health(replicas: Int = 0, timeout: Duration = .milliseconds(200), hedge: HedgeSpec? = nil,
                        retry: RetrySpec? = nil, maxInFlight: Int? = nil,
                        circuit: CircuitSpec? = nil) throws -> UpstreamHealth {
        let url = try URLTemplate(parsing: "http://127.0.0.1:9101/search")
        let replicaURLs = try (0..<replicas).map { try URLTemplate(parsing: "http://127.0.0.1:\(9111 + $0)/search") }
        let spec = UpstreamSpec(name: "alpha", url: url, replicas: replicaURLs, timeout: timeout, hedge: hedge,
                                retry: retry, maxInFlight: maxInFlight, circuit: circuit)
        return UpstreamHealth(spec: spec, seed: 7)
    }

    @Test func plainUpstreamAlwaysSendsToTheOnlyReplica() throws {
        let health = try health()
        #expect(health.admit(now: 0) == .send(replica: 0))
        #expect(health.admit(now: 0) == .send(replica: 0))
        #expect(health.allowHedge())
        #expect(health.allowRetry())
        #expect(health.hedgeDelay() == nil)
        let snapshot = health.snapshot()
        #expect(snapshot.inFlight == 2)
        #expect(snapshot.attempts == 2)
        #expect(snapshot.primaries == 2)
        #expect(snapshot.circuit == "off")
        #expect(snapshot.p95Ms == nil)
    }

    @Test func maxInFlightSkipsUntilASlotFrees() throws {
        let health = try health(maxInFlight: 2)
        #expect(health.admit(now: 0) == .send(replica: 0))
        #expect(health.admit(now: 0) == .send(replica: 0))
        #expect(health.admit(now: 0) == .skip(reason: .maxInFlight))
        #expect(!health.allowHedge())                 // full: no extra load either
        health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 5 * ms), now: 5)
        #expect(health.allowHedge())
        #expect(health.admit(now: 6) == .send(replica: 0))
        let snapshot = health.snapshot()
        #expect(snapshot.inFlight == 2)
        #expect(snapshot.skips == 1)
        #expect(snapshot.attempts == 3)
    }

    @Test func circuitOpensSkipsAndLetsOneTrialThrough() throws {
        let health = try health(circuit: CircuitSpec(failures: 2, cooldown: .milliseconds(100)))
        for now: Int64 in [0, 10] {
            #expect(health.admit(now: now) == .send(replica: 0))
            health.attemptEnded(replica: 0, kind: .primary, end: .failed, now: now)
        }
        #expect(health.snapshot().circuit == "open")
        #expect(health.admit(now: 50) == .skip(reason: .circuitOpen))
        #expect(!health.allowRetry())
        #expect(health.admit(now: 100 * ms + 10) == .send(replica: 0))   // the trial
        #expect(health.admit(now: 100 * ms + 11) == .skip(reason: .circuitOpen))
        #expect(!health.allowHedge())                                     // not even the trial's hedge
        health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 3 * ms), now: 100 * ms + 20)
        #expect(health.snapshot().circuit == "closed")
        #expect(health.admit(now: 100 * ms + 21) == .send(replica: 0))
        let snapshot = health.snapshot()
        #expect(snapshot.failures == 2)
        #expect(snapshot.skips == 2)
    }

    @Test func sheddingDoesNotUseUpTheHalfOpenTrial() throws {
        let health = try health(maxInFlight: 1, circuit: CircuitSpec(failures: 1, cooldown: .nanoseconds(10)))
        #expect(health.admit(now: 0) == .send(replica: 0))
        health.attemptStarted(replica: 0, kind: .hedge)                    // a straggler
        health.attemptEnded(replica: 0, kind: .primary, end: .failed, now: 1)   // opens until 11
        #expect(health.admit(now: 20) == .skip(reason: .maxInFlight))
        health.attemptEnded(replica: 0, kind: .hedge, end: .abandoned, now: 21)
        #expect(health.admit(now: 22) == .send(replica: 0))               // trial still available
        #expect(health.snapshot().circuit == "half_open")
    }

    @Test func cancelledAttemptsAreNotFailures() throws {
        let health = try health(circuit: CircuitSpec(failures: 1, cooldown: .seconds(1)))
        #expect(health.admit(now: 0) == .send(replica: 0))
        health.attemptEnded(replica: 0, kind: .primary, end: .abandoned, now: 4)
        let snapshot = health.snapshot()
        #expect(snapshot.circuit == "closed")
        #expect(snapshot.failures == 0)
        #expect(snapshot.samples == 0)
        #expect(snapshot.inFlight == 0)
    }

    @Test func replicasArePickedByLoadAndTiesRotate() throws {
        let health = try health(replicas: 1)
        #expect(health.admit(now: 0) == .send(replica: 0))   // tie, cursor 0
        #expect(health.admit(now: 0) == .send(replica: 1))   // [1, 0]
        #expect(health.admit(now: 0) == .send(replica: 1))   // tie, cursor 1
        #expect(health.admit(now: 0) == .send(replica: 0))   // [1, 2]
        health.attemptStarted(replica: 1, kind: .hedge)
        #expect(health.snapshot().inFlightByReplica == [2, 3])
        health.attemptEnded(replica: 1, kind: .hedge, end: .answered(latency: 0), now: 0)
        health.attemptEnded(replica: 7, kind: .hedge, end: .answered(latency: 0), now: 0)   // unknown: total only
        let snapshot = health.snapshot()
        #expect(snapshot.inFlightByReplica == [2, 2])
        #expect(snapshot.inFlight == 3)
        #expect(snapshot.hedges == 1)
        #expect(snapshot.attempts == 5)
    }

    @Test func fixedHedgeDelay() throws {
        let health = try health(hedge: HedgeSpec(after: .fixed(.milliseconds(40))))
        #expect(health.hedgeDelay() == 40 * ms)
        #expect(health.snapshot().hedgeDelayMs == 40)
    }

    @Test func adaptiveHedgeDelayFallsBackThenFollowsP95() throws {
        let health = try health(hedge: HedgeSpec(after: .percentile(95)))
        #expect(health.hedgeDelay() == 100 * ms)                          // half of 200ms
        for latency in 1...19 {
            _ = health.admit(now: 0)
            health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: Int64(latency) * ms), now: 0)
        }
        // Neither a hedge's latency nor a failed primary's counts: still 19 samples.
        health.attemptStarted(replica: 0, kind: .hedge)
        health.attemptEnded(replica: 0, kind: .hedge, end: .answered(latency: 1 * ms), now: 0)
        _ = health.admit(now: 0)
        health.attemptEnded(replica: 0, kind: .primary, end: .failed, now: 0)
        #expect(health.hedgeDelay() == 100 * ms)
        _ = health.admit(now: 0)
        health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 20 * ms), now: 0)
        #expect(health.hedgeDelay() == 19 * ms)
        let snapshot = health.snapshot()
        #expect(snapshot.p50Ms == 10)
        #expect(snapshot.p95Ms == 19)
        #expect(snapshot.p99Ms == 20)
        #expect(snapshot.hedgeDelayMs == 19)
        #expect(snapshot.samples == 20)
    }

    @Test func adaptiveHedgeDelayIsClamped() throws {
        let fast = try health(hedge: HedgeSpec(after: .percentile(95)))
        let slow = try health(hedge: HedgeSpec(after: .percentile(95)))
        for _ in 0..<20 {
            fast.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 200_000), now: 0)
            slow.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 900 * ms), now: 0)
        }
        #expect(fast.hedgeDelay() == 1 * ms)
        #expect(slow.hedgeDelay() == 200 * ms)
    }

    @Test func hedgeBudgetAccruesPerPrimary() throws {
        let health = try health(hedge: HedgeSpec(after: .fixed(.milliseconds(10)), budget: 0.5))
        _ = health.admit(now: 0)            // 1 + 0.5
        #expect(health.allowHedge())        // 0.5
        #expect(!health.allowHedge())
        #expect(health.allowRetry())        // no retry budget configured
        _ = health.admit(now: 0)            // 1.0
        #expect(health.allowHedge())
        #expect(!health.allowHedge())
    }

    @Test func retryBudgetIsSeparate() throws {
        let health = try health(hedge: HedgeSpec(after: .fixed(.milliseconds(10))),
                                retry: RetrySpec(attempts: 3, budget: 0.1))
        #expect(health.allowRetry())        // cold-start allowance
        #expect(!health.allowRetry())
        for _ in 0..<10 { _ = health.admit(now: 0) }
        #expect(health.allowRetry())
        #expect(!health.allowRetry())
        #expect(health.allowHedge())        // hedges are unlimited here
        #expect(health.allowHedge())
    }

    @Test func snapshotJSONHasStableKeys() throws {
        let health = try health(replicas: 1, maxInFlight: 8, circuit: CircuitSpec())
        _ = health.admit(now: 0)
        guard case .object(let object) = health.snapshot().jsonValue else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.map(\.key) == [
            "name", "replicas", "in_flight", "in_flight_by_replica", "max_in_flight", "samples",
            "p50_ms", "p95_ms", "p99_ms", "hedge_delay_ms", "circuit", "consecutive_failures",
            "attempts", "primaries", "hedges", "retries", "failures", "skips",
            "hedges_refused", "retries_refused", "latency_estimate_ms_by_replica",
        ])
        #expect(object["name"] == .string("alpha"))
        #expect(object["in_flight"] == .int(1))
        #expect(object["max_in_flight"] == .int(8))
        #expect(object["p95_ms"] == .null)
        #expect(object["circuit"] == .string("closed"))
        #expect(object["hedges_refused"] == .int(0))
        #expect(object["latency_estimate_ms_by_replica"] == .array([.null, .null]))
    }
}
