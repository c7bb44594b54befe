/// Maps (`each:`): when a map upstream is due, the driver knows how many calls it makes (items,
/// or batches of them) and the machine turns its primary into that many upstreams of their own,
/// appended after every other entry, each with the map's timeout, hedging and retries, sharing
/// `max_parallel` and the one deadline, sent in item order.
extension FanOut {
    /// `min_ok` for the answer as it stands: a percentage counts every entry, each map call one.
    public var minOKNeeded: Int {
        guard let percent = plan.minOKPercent else { return plan.minOK }
        return Threshold.percent(percent).resolve(of: outcomes.count - expandedCount)
    }

    /// Replaces the primary `id` of a map upstream by `count` calls; an empty map is `ok` at once.
    /// The calls are entries `calls` of `outcomes`.
    public mutating func expand(_ id: AttemptID, into count: Int, now: Int64) -> (calls: Range<Int>, actions: [Action]) {
        let start = outcomes.count
        guard let upstream = takeBackPrimary(id) else { return (start..<start, []) }
        let now = observe(now)
        var actions: [Action] = []
        if count <= 0 {
            settle(upstream, as: .ok, httpStatus: nil, at: now)
        } else {
            var call = plan.upstreams[upstream]
            call.needs = []
            call.required = false
            call.skipped = false
            progress[upstream].isFinal = true
            progress[upstream].hedgeAt = UpstreamProgress.never
            progress[upstream].retryAt = UpstreamProgress.never
            progress[upstream].nextTimer = UpstreamProgress.never
            progress[upstream].queuedKind = nil
            pendingCount -= 1
            expandedCount += 1
            if plan.upstreams[upstream].isMap { mapsPending -= 1 }
            outcomes[upstream].calls = start..<(start + count)
            outcomes.reserveCapacity(start + count)
            progress.reserveCapacity(start + count)
            for _ in 0..<count {
                outcomes.append(UpstreamOutcome())
                progress.append(UpstreamProgress(call))
                if !dependents.isEmpty { dependents.append([]) }
            }
            pendingCount += count
        }
        proceed(now: now, &actions)
        return (outcomes[upstream].calls ?? start..<start, actions)
    }
}
