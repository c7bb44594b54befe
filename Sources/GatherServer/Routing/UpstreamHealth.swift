import GatherCore
import Synchronization

/// One upstream's live health, shared by every request of one route generation: an
/// `UpstreamHealthState` (GatherCore) behind a `Mutex`. Each call mutates the state under the lock
/// and performs what it returned after unlocking (async-http-client's `modifyStateAndRunActions`):
/// a slot freed for a waiting request is granted outside the lock, since the grant may call back in.
/// The replica picker's seed comes from the system generator unless a test fixes it.
public final class UpstreamHealth: Sendable {
    private struct Locked {
        var state: UpstreamHealthState
        /// The grant callbacks of queued requests, by ticket.
        var waiters: [UInt64: @Sendable (Int) -> Void] = [:]
    }

    private let locked: Mutex<Locked>
    public let name: String
    public let replicaCount: Int
    public let maxInFlight: Int?
    public let timeout: Int64
    public let hedge: HedgeSpec?

    /// `seed` fixes the replica picker's random choices (tests); nil seeds from the system.
    public init(spec: UpstreamSpec, seed: UInt64? = nil) {
        var system = SystemRandomNumberGenerator()
        let state = UpstreamHealthState(spec: spec, seed: seed ?? system.next())
        name = state.name
        replicaCount = state.replicaCount
        maxInFlight = state.maxInFlight
        timeout = state.timeout
        hedge = state.hedge
        locked = Mutex(Locked(state: state))
    }

    /// See `UpstreamHealthState.admit`; `waiter` receives the replica when a queued request is granted.
    public func admit(now: Int64, waiter: (@Sendable (Int) -> Void)? = nil) -> UpstreamHealthState.Admission {
        locked.withLock { locked in
            let admission = locked.state.admit(now: now, queueing: waiter != nil)
            if case .queued(let ticket) = admission, let waiter { locked.waiters[ticket] = waiter }
            return admission
        }
    }

    public func attemptStarted(replica: Int, kind: AttemptKind) {
        locked.withLock { $0.state.attemptStarted(replica: replica, kind: kind) }
    }

    public func attemptEnded(replica: Int, kind: AttemptKind, end: AttemptEnd, now: Int64) {
        let granted: (grant: @Sendable (Int) -> Void, replica: Int)? = locked.withLock { locked in
            guard let grant = locked.state.attemptEnded(replica: replica, kind: kind, end: end, now: now),
                  let waiter = locked.waiters.removeValue(forKey: grant.ticket) else { return nil }
            return (waiter, grant.replica)
        }
        if let granted { granted.grant(granted.replica) }
    }

    /// An admitted primary answered without sending anything (a cache hit, or another request's
    /// shared transfer): its place is given back like an abandoned attempt's, and it leaves the
    /// attempt counts.
    public func primaryNotSent(replica: Int, now: Int64) {
        attemptEnded(replica: replica, kind: .primary, end: .abandoned, now: now)
        locked.withLock { $0.state.primaryNotSent() }
    }

    public func cancelWait(ticket: UInt64) -> Bool {
        locked.withLock { locked in
            guard locked.state.cancelWait(ticket: ticket) else { return false }
            locked.waiters[ticket] = nil
            return true
        }
    }

    public func hedgeDelay() -> Int64? {
        guard hedge != nil else { return nil }
        return locked.withLock { $0.state.hedgeDelay() }
    }

    public func allowHedge() -> Bool {
        locked.withLock { $0.state.allowHedge() }
    }

    public func allowRetry() -> Bool {
        locked.withLock { $0.state.allowRetry() }
    }

    public func expectedLatency() -> Int64? {
        locked.withLock { $0.state.expectedLatency() }
    }

    public func snapshot(now: Int64? = nil) -> UpstreamHealthSnapshot {
        locked.withLock { $0.state.snapshot(now: now) }
    }
}
