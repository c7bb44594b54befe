extension AggregationCoordinator {
    /// Work an `AggregationCoordinator` hands its shell, in the order it is to be done.
    public enum Action: Sendable, Equatable {
        /// Start this attempt's transfer. A hedge or retry first asks the upstream's budget; when
        /// it refuses, the shell reports `refused(_:now:)` instead of sending.
        case transfer(AttemptRequest)
        /// Stop this attempt's transfer (its connection goes with it), telling its completion why.
        case abort(AttemptID, AttemptAbortReason?)
        /// An upstream became final: a progressive answer writes its `upstream` event now.
        case progress(upstream: Int)
        /// An admitted primary that will never be sent: give its `max_in_flight` place back.
        case releaseSlot(upstream: Int, replica: Int)
        /// Stop waiting for a `max_in_flight` place; when the wait really ended unserved, the shell
        /// reports `waitEnded(upstream:)`.
        case withdrawWait(upstream: Int, ticket: UInt64)
        /// Arm the one timer for this instant (same clock as `now`), or cancel it (nil).
        case schedule(at: Int64?)
        /// Build and send the answer from `outcomes`, `slots` and `status`; always the last action.
        case answer
    }
}
