extension AggregationCoordinator {
    /// The shell could not build a released dependent's request (`detail`: "needs user: /org_id
    /// missing"): the upstream is skipped unsent, with its dependents, and the `max_in_flight`
    /// place its primary was admitted to goes back.
    public mutating func cannotSend(_ id: AttemptID, replica: Int, detail: String, now: Int64) -> [CoordinatorAction] {
        inFlight.removeAll { $0 == id }
        guard !machine.isFinished else { return [] }
        slots[id.upstream].detail = detail
        return [.releaseSlot(upstream: id.upstream, replica: replica)] + run(machine.cannotSend(id, now: now), now: now)
    }
}
