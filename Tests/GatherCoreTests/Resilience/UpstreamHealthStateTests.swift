import Testing
@testable import GatherCore

/// The health state as a value: no lock, the clock and the seed given, grants returned.
@Suite("UpstreamHealthState")
struct UpstreamHealthStateTests {
    private func spec(maxInFlight: Int?) -> UpstreamSpec {
        let parsed = RouteLoader.parse(text: """
            routes:
              - name: r
                match: { path: /r }
                deadline: 1s
                upstreams:
                  - { name: a, url: "http://h/", \(maxInFlight.map { "max_in_flight: \($0)" } ?? "") }
            """, file: "r.yaml", environment: [:])
        return parsed.routes[0].upstreams[0]
    }

    @Test("a slot freed under max_in_flight comes out as a grant for the oldest waiting ticket")
    func grantIsReturned() {
        var state = UpstreamHealthState(spec: spec(maxInFlight: 1), seed: 1)
        #expect(state.admit(now: 0, queueing: true) == .send(replica: 0))
        #expect(state.admit(now: 1, queueing: false) == .skip(reason: .maxInFlight))
        let first = state.admit(now: 2, queueing: true)
        let second = state.admit(now: 3, queueing: true)
        #expect(first == .queued(ticket: 1))
        #expect(second == .queued(ticket: 2))
        let withdrawn = state.cancelWait(ticket: 2)
        #expect(withdrawn)
        let grant = state.attemptEnded(replica: 0, kind: .primary, end: .answered(latency: 5), now: 10)
        #expect(grant == UpstreamHealthState.Grant(ticket: 1, replica: 0))
        let late = state.cancelWait(ticket: 1)
        #expect(!late, "already granted: the caller ends that attempt")
        #expect(state.snapshot().inFlight == 1)
        let none = state.attemptEnded(replica: 0, kind: .primary, end: .abandoned, now: 11)
        #expect(none == nil)
        #expect(state.snapshot().inFlight == 0)
    }

    @Test("without max_in_flight nothing queues")
    func noLimit() {
        var state = UpstreamHealthState(spec: spec(maxInFlight: nil), seed: 1)
        for now in 0..<3 { #expect(state.admit(now: Int64(now), queueing: true) == .send(replica: 0)) }
        #expect(state.snapshot().inFlight == 3)
    }
}
