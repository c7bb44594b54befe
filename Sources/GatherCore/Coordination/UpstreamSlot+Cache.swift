extension UpstreamSlot {
    /// The slot with a stored answer in place of what the live attempt brought (stale fill).
    public func filled(with payload: AttemptPayload) -> UpstreamSlot {
        var slot = self
        slot.payload = payload
        return slot
    }
}
