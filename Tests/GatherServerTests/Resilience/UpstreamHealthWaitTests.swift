import Synchronization
import Testing
@testable import GatherCore
@testable import GatherServer

@Suite("UpstreamHealth: waiting for a slot under max_in_flight")
struct UpstreamHealthWaitTests {
    private func health(maxInFlight: Int) throws -> UpstreamHealth {
        let spec = UpstreamSpec(name: "alpha", url: try URLTemplate(parsing: "http://127.0.0.1:9101/s"),
                                replicas: [], timeout: .milliseconds(200), maxInFlight: maxInFlight)
        return UpstreamHealth(spec: spec, seed: 7)
    }

    /// Records grants in order, as the gateway's relay would receive them.
    final class Grants: Sendable {
        let received = Mutex<[String]>([])
        func waiter(_ name: String) -> @Sendable (Int) -> Void {
            { replica in self.received.withLock { $0.append("\(name)@\(replica)") } }
        }
        var list: [String] { received.withLock { $0 } }
    }

    @Test func fullUpstreamQueuesAndGrantsOldestFirstWhenASlotFrees() throws {
        let health = try health(maxInFlight: 1)
        let grants = Grants()
        #expect(health.admit(now: 0, waiter: grants.waiter("a")) == .send(replica: 0))
        #expect(health.admit(now: 1, waiter: grants.waiter("b")) == .queued(ticket: 1))
        #expect(health.admit(now: 2, waiter: grants.waiter("c")) == .queued(ticket: 2))
        // Without a waiter the caller is shed at once, and it cannot jump the queue.
        #expect(health.admit(now: 3) == .skip(reason: .maxInFlight))
        health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 1), now: 4)
        #expect(grants.list == ["b@0"])
        #expect(health.snapshot().inFlight == 1, "the freed slot is b's now")
        health.attemptEnded(replica: 0, kind: .primary, end: .abandoned, now: 5)
        #expect(grants.list == ["b@0", "c@0"])
    }

    @Test func cancelledWaitIsNotGrantedAndAGrantedOneCannotBeCancelled() throws {
        let health = try health(maxInFlight: 1)
        let grants = Grants()
        _ = health.admit(now: 0, waiter: grants.waiter("a"))
        #expect(health.admit(now: 1, waiter: grants.waiter("b")) == .queued(ticket: 1))
        #expect(health.admit(now: 2, waiter: grants.waiter("c")) == .queued(ticket: 2))
        #expect(health.cancelWait(ticket: 1))
        #expect(!health.cancelWait(ticket: 1))
        health.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 1), now: 3)
        #expect(grants.list == ["c@0"])
        #expect(!health.cancelWait(ticket: 2), "already granted: the caller must end that attempt instead")
        health.attemptEnded(replica: 0, kind: .primary, end: .abandoned, now: 4)
        #expect(health.snapshot().inFlight == 0)
        #expect(health.admit(now: 5) == .send(replica: 0))
    }
}
