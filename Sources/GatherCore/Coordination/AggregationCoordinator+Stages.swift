extension AggregationCoordinator {
    /// The shell could not build a released dependent's request (`detail`: "needs user: /org_id
    /// missing"), or its admission refused it ("circuit open"): the upstream is skipped unsent,
    /// with its dependents. `admitted`: its primary holds a `max_in_flight` place to give back
    /// (later stages and maps' calls are admitted only when sent, so they hold none).
    public mutating func cannotSend(_ id: AttemptID, replica: Int, detail: String, admitted: Bool = true,
                                    now: Int64) -> [Action] {
        inFlight.removeAll { $0 == id }
        guard !machine.isFinished else { return [] }
        slots[id.upstream].detail = detail
        let release: [Action] = admitted ? [.releaseSlot(upstream: id.upstream, replica: replica)] : []
        return release + run(machine.cannotSend(id, now: now), now: now)
    }

    /// A map upstream's primary became `count` calls (items, or batches): each gets an entry and
    /// a slot (a map is never admitted itself; each call is, when it is sent).
    public mutating func expand(_ id: AttemptID, into count: Int, now: Int64) -> [Action] {
        inFlight.removeAll { $0 == id }
        guard !machine.isFinished else { return [] }
        let (calls, actions) = machine.expand(id, into: count, now: now)
        for (position, _) in calls.enumerated() {
            slots.append(UpstreamSlot(detail: nil, unsentPrimary: nil, ticket: nil))
            entryUpstream.append(id.upstream)
            entryCall.append(position)
        }
        return run(actions, now: now)
    }

    /// A map's call waits for a `max_in_flight` place (a later `granted(upstream:replica:now:)`
    /// sends it); meanwhile it is not in flight.
    public mutating func park(_ attempt: AttemptRequest, ticket: UInt64) {
        inFlight.removeAll { $0 == attempt.id }
        slots[attempt.id.upstream].ticket = ticket
        slots[attempt.id.upstream].parked = attempt
    }

    /// Whether entry `index` is a call of a map (not a route upstream itself).
    public func isMapCall(_ index: Int) -> Bool {
        index < entryCall.count && entryCall[index] != nil
    }
}
