import GatherCore
import GatherCurl
import NIOCore

/// One request's side of its upstreams' caches: the keys of what it sends, how each attempt
/// was served (own transfer, shared one, stored answer), and, when the answer is built, the
/// stale fill of upstreams that failed. Lives on the request's event loop with its
/// `AggregationCall`; nil for routes without `cache` or `coalesce`.
final class CallCache {
    private let runtime: RouteRuntime
    /// Per upstream of the route; nil for one without a cache, and for a later stage's until its
    /// request is rendered. A map (`each:`) and its calls (entries past the route's upstreams) are
    /// not cached.
    private(set) var keys: [CacheKey?]
    private let method: String
    private let body: [UInt8]?
    /// Per upstream: attempts handed to the cache so far (the next one's ordinal).
    private var ordinals: [Int]
    /// How each attempt is being served, for the report of the one that wins.
    private var sources: [AttemptID: CacheResult] = [:]
    /// Fresh hits found while starting, delivered by the call before its next action.
    private var immediate: [(AttemptID, ClassifiedAttempt)] = []
    private var shared: [AttemptID: Shared] = [:]
    private var own: [AttemptID: (handle: TransferHandle, note: AbortNote)] = [:]

    struct Shared {
        var key: UpstreamCache.FlightKey
        var token: UInt64
        /// Joined another request's transfer; a follower's primary was counted in flight when
        /// admitted and is given back when it ends.
        var follower: Bool
        var replica: Int
        var kind: AttemptKind
    }

    private init(runtime: RouteRuntime, keys: [CacheKey?], method: String, body: [UInt8]?) {
        self.runtime = runtime
        self.keys = keys
        self.method = method
        self.body = body
        ordinals = Array(repeating: 0, count: keys.count)
    }

    /// nil when no upstream of the route caches or coalesces.
    static func make(runtime: RouteRuntime, method: String, urls: [[String]], headers: [[(String, String)]],
                     body: [UInt8]?) -> CallCache? {
        guard runtime.upstreams.contains(where: { $0.cache != nil }) else { return nil }
        // The request gather would send to the upstream's own url: replicas serve the same answer.
        // A later stage's request is rendered once its needs answer (see `rendered`).
        let keys = runtime.upstreams.indices.map { index -> CacheKey? in
            runtime.upstreams[index].cache == nil || urls[index].isEmpty || runtime.route.upstreams[index].stage.each != nil
                ? nil
                : CacheKey(method: method, url: urls[index][0], headers: headers[index], body: body)
        }
        return CallCache(runtime: runtime, keys: keys, method: method, body: body)
    }

    /// A later stage's upstream was rendered from its needs' answers: its key is known now.
    func rendered(_ index: Int, urls: [String], headers: [(String, String)]) {
        guard index < keys.count, runtime.upstreams[index].cache != nil, let url = urls.first else { return }
        keys[index] = CacheKey(method: method, url: url, headers: headers, body: body)
    }

    /// Whether upstream `index` has a fresh stored answer now (its attempt would send nothing).
    func isFresh(_ index: Int) -> Bool {
        guard index < keys.count, let key = keys[index], let cache = runtime.upstreams[index].cache else { return false }
        if case .fresh? = cache.lookup(key, now: Self.uptime) { return true }
        return false
    }

    /// Whether entry `index` (an upstream of the route, or a map's call past them) goes through
    /// the cache.
    func caches(_ index: Int) -> Bool {
        index < keys.count && keys[index] != nil
    }

    static var uptime: Int64 { Int64(NIODeadline.now().uptimeNanoseconds) }

    func nextOrdinal(_ upstream: Int) -> Int {
        defer { ordinals[upstream] += 1 }
        return ordinals[upstream]
    }

    func record(_ id: AttemptID, _ result: CacheResult) {
        sources[id] = result
    }

    func answerNow(_ id: AttemptID, _ attempt: ClassifiedAttempt) {
        immediate.append((id, attempt))
    }

    func takeImmediate() -> (AttemptID, ClassifiedAttempt)? {
        immediate.isEmpty ? nil : immediate.removeFirst()
    }

    func shares(_ id: AttemptID, _ entry: Shared) {
        shared[id] = entry
    }

    func owns(_ id: AttemptID, handle: TransferHandle, note: AbortNote) {
        own[id] = (handle, note)
    }

    /// The machine aborted `id`; true when it was one of the cache's attempts.
    func abort(_ id: AttemptID, reason: AttemptAbortReason?, engine: TransferEngine) -> Bool {
        if let entry = shared.removeValue(forKey: id) {
            let cache = runtime.upstreams[id.upstream].cache!
            if let handle = cache.leave(entry.key, token: entry.token, reason: reason) { engine.cancel(handle) }
            releaseFollower(entry, upstream: id.upstream)
            return true
        }
        if let (handle, note) = own.removeValue(forKey: id) {
            note.record(reason)
            engine.cancel(handle)
            return true
        }
        // A fresh hit is answered before anything could abort it; nothing is out.
        return sources[id] == .hit
    }

    /// `id`'s answer arrived.
    func finished(_ id: AttemptID) {
        if let entry = shared.removeValue(forKey: id) { releaseFollower(entry, upstream: id.upstream) }
        own[id] = nil
    }

    private func releaseFollower(_ entry: Shared, upstream: Int) {
        guard entry.follower, entry.kind == .primary else { return }
        runtime.upstreams[upstream].health.primaryNotSent(replica: entry.replica, now: Self.uptime)
    }

    // MARK: The answer

    /// A progressive `upstream` event's `cache`, as the upstream settles (before any stale fill).
    func progressNote(_ index: Int, outcome: UpstreamOutcome) -> CacheNote? {
        guard caches(index) else { return nil }
        if outcome.status == .ok { return CacheNote(result: outcome.winningAttempt.flatMap { sources[$0] } ?? .miss) }
        return runtime.upstreams[index].cache?.spec == nil ? nil : CacheNote(result: .miss)
    }

    /// Fills the slot of each cached upstream that failed from a stored answer within its
    /// `stale` window, and says for every cached upstream how it was served. A filled upstream
    /// is `ok` (its live failure goes to `error`), and the status is 200 again once enough are.
    func prepareAnswer(outcomes: inout [UpstreamOutcome], slots: inout [UpstreamSlot], status: inout Int) -> [CacheNote?] {
        let route = runtime.route
        // A vote counts live agreement; a stored answer is not a vote cast now.
        let fills = route.merge.mode != .vote
        let now = Self.uptime
        var notes: [CacheNote?] = Array(repeating: nil, count: outcomes.count)
        var filled = false
        for index in outcomes.indices where index < keys.count {
            guard let cache = runtime.upstreams[index].cache, let key = keys[index] else { continue }
            let outcome = outcomes[index]
            var note: CacheNote?
            if outcome.status == .ok {
                note = CacheNote(result: outcome.winningAttempt.flatMap { sources[$0] } ?? .miss)
                // Nothing was sent for a fresh hit.
                if note?.result == .hit {
                    outcomes[index].attempts = 0
                    outcomes[index].wonBy = nil
                }
            } else if fills, let failed = outcome.status, Self.fillable(failed, httpStatus: outcome.httpStatus),
                      let found = cache.lookup(key, now: now) {
                outcomes[index].status = .ok
                outcomes[index].httpStatus = found.value.httpStatus
                outcomes[index].wonBy = nil
                slots[index] = slots[index].filled(with: found.value.payload)
                note = CacheNote(result: .stale, ageMilliseconds: Double(found.age) / 1_000_000,
                                 error: "\(failed.rawValue); served stale")
                filled = true
            } else if cache.spec != nil {
                note = CacheNote(result: .miss)
            }
            if let note { cache.count(note.result) }
            notes[index] = note
        }
        // A `required` upstream that is still not ok keeps the answer a failure.
        let requiredMissing = route.upstreams.indices.contains {
            route.upstreams[$0].stage.required && outcomes.indices.contains($0) && outcomes[$0].status != .ok
        }
        if filled, status != 200, !requiredMissing, outcomes.filter({ $0.status == .ok }).count >= route.requiredSuccesses {
            status = 200
        }
        return notes
    }

    /// The live failures a stored answer may stand in for: the upstream was late, unreachable,
    /// broken (5xx, a body that is not what the route reads) or not asked (circuit open). A 4xx is
    /// the upstream's answer to this request, and `too_large` would be too large again.
    static func fillable(_ status: UpstreamStatus, httpStatus: Int?) -> Bool {
        switch status {
        case .timeout, .error, .badBody, .skipped: return true
        case .badStatus: return (httpStatus ?? 500) >= 500
        default: return false
        }
    }
}
