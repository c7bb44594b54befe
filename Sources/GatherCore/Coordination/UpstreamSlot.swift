/// What one request keeps about one of its upstreams, beside the machine's own outcome.
public struct UpstreamSlot: Sendable {
    /// The winning attempt's payload, once the upstream is ok.
    public internal(set) var payload: AttemptPayload?
    /// Why the upstream failed or was skipped, for the report's `error`.
    public internal(set) var detail: String?
    /// The replica of an admitted primary not yet sent: admission counted it in flight, so one
    /// never sent (deadline first, max_parallel) must be given back.
    var unsentPrimary: Int?
    /// Waiting for a slot under `max_in_flight`, and the primary the machine sent meanwhile
    /// (parked until the slot comes).
    var ticket: UInt64?
    var parked: AttemptRequest?
    /// The deadline came while it still waited: reported as skipped.
    var waitedOut = false

    public init(detail: String?, unsentPrimary: Int?, ticket: UInt64?) {
        self.detail = detail
        self.unsentPrimary = unsentPrimary
        self.ticket = ticket
    }

    /// The slot with a stored answer in place of what the live attempt brought (stale fill).
    public func filled(with payload: AttemptPayload) -> UpstreamSlot {
        var slot = self
        slot.payload = payload
        return slot
    }
}
