import GatherCore
import GatherCurl
import Synchronization

/// One upstream's stored answers and its shared in-flight transfers, for every request of the
/// process on every event loop: the pure `ResponseCache` (SIEVE, bounded by `max_size`) and the
/// coalescing table under one lock. Kept across a reload while the upstream's `CacheIdentity`
/// stays the same.
final class UpstreamCache: Sendable {
    /// nil: coalescing only, nothing is stored.
    let spec: CacheSpec?
    let coalesces: Bool
    private let state: Mutex<State>

    /// An answer as a later request uses it: the payload merges without indexing the body again.
    struct Stored: Sendable {
        var payload: AttemptPayload
        var httpStatus: Int
    }

    /// A shared transfer is keyed by the request and by which attempt of its callers it is: every
    /// caller's primary shares one transfer, every caller's first hedge (or retry) another, so a
    /// hedge that fifty waiters would each send goes out once.
    struct FlightKey: Hashable, Sendable {
        var key: CacheKey
        var ordinal: Int
    }

    typealias Delivery = @Sendable (ClassifiedAttempt) -> Void

    private struct Flight {
        let id: UInt64
        var handle: TransferHandle?
        var waiters: [(token: UInt64, deliver: Delivery)]
        /// The last waiter's reason to let go, for the transfer's completion (health).
        let note: AbortNote
    }

    private struct State {
        var entries: ResponseCache<Stored>
        var flights: [FlightKey: Flight] = [:]
        var nextToken: UInt64 = 1
        var results: [Int] = Array(repeating: 0, count: CacheResult.allCases.count)
    }

    init(spec: CacheSpec?, coalesces: Bool) {
        self.spec = spec
        self.coalesces = coalesces
        state = Mutex(State(entries: ResponseCache(capacity: spec?.maxSize ?? 0)))
    }

    // MARK: Stored answers

    /// A usable entry (fresh or within `stale`) for `key` at `now` (uptime nanoseconds).
    func lookup(_ key: CacheKey, now: Int64) -> ResponseCache<Stored>.Lookup? {
        guard spec != nil else { return nil }
        return state.withLock { $0.entries.lookup(key, now: now) }
    }

    /// Stores a successful attempt's payload unless the upstream's `Cache-Control` forbids it.
    func store(_ key: CacheKey, _ attempt: ClassifiedAttempt, responseHeaders: [(String, String)], now: Int64) {
        guard let spec, case .success(let status) = attempt.result, var payload = attempt.payload,
              let freshness = ResponseCache<Stored>.Freshness(spec: spec, directives: CacheDirectives(headers: responseHeaders))
        else { return }
        let size: Int
        switch payload {
        case .indexed(let answer):
            // A body read in chunks has spare capacity; an entry kept for minutes should not.
            let compact = answer.compacted()
            payload = .indexed(compact)
            size = compact.footprint
        case .raw(_, _, _, .some):
            // Still encoded for one client's Accept-Encoding (a cached upstream never asks for that).
            return
        case .raw(_, let contentType, let body, nil): size = body.capacity + (contentType?.utf8.count ?? 0)
        }
        let stored = Stored(payload: payload, httpStatus: status)
        state.withLock { _ = $0.entries.store(key, stored, size: size, freshness: freshness, now: now) }
    }

    func purge() {
        state.withLock { $0.entries.removeAll() }
    }

    func count(_ result: CacheResult) {
        state.withLock { $0.results[Self.position(result)] += 1 }
    }

    struct Snapshot {
        var entries: Int
        var bytes: Int
        var capacity: Int
        var evictions: Int
        var results: [CacheResult: Int]

        /// `/upstreams`: `{"entries", "bytes", "max_size", "evictions", "hit_rate", "results": {…}}`.
        var jsonValue: JSONValue {
            .object(JSONObject([
                ("entries", .int(Int64(entries))),
                ("bytes", .int(Int64(bytes))),
                ("max_size", .int(Int64(capacity))),
                ("evictions", .int(Int64(evictions))),
                ("hit_rate", hitRate.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null),
                ("results", .object(JSONObject(CacheResult.allCases.map { ($0.rawValue, .int(Int64(results[$0] ?? 0))) }))),
            ]))
        }

        /// Hits and coalesced answers over every answer this cache took part in.
        var hitRate: Double? {
            let total = results.values.reduce(0, +)
            guard total > 0 else { return nil }
            return Double((results[.hit] ?? 0) + (results[.coalesced] ?? 0)) / Double(total)
        }
    }

    var snapshot: Snapshot {
        state.withLock { state in
            var results: [CacheResult: Int] = [:]
            for result in CacheResult.allCases { results[result] = state.results[Self.position(result)] }
            return Snapshot(entries: state.entries.count, bytes: state.entries.bytes, capacity: state.entries.capacity,
                            evictions: state.entries.evictions, results: results)
        }
    }

    private static func position(_ result: CacheResult) -> Int {
        CacheResult.allCases.firstIndex(of: result)!
    }

    // MARK: Coalescing

    enum Joined {
        /// No transfer was out: the caller sends it, then `attach`es its handle.
        case lead(token: UInt64, flight: UInt64, note: AbortNote)
        /// Another request's transfer will answer this one too.
        case follow(token: UInt64)
    }

    /// Joins the transfer for `key` if one is out, else opens one that this caller sends.
    func join(_ key: FlightKey, deliver: @escaping Delivery) -> Joined {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            if state.flights[key] != nil {
                state.flights[key]!.waiters.append((token, deliver))
                return .follow(token: token)
            }
            let note = AbortNote()
            state.flights[key] = Flight(id: token, handle: nil, waiters: [(token, deliver)], note: note)
            return .lead(token: token, flight: token, note: note)
        }
    }

    func hasFlight(_ key: FlightKey) -> Bool {
        state.withLock { $0.flights[key] != nil }
    }

    /// The sent transfer's handle; if every waiter already left, it is handed back to cancel.
    func attach(_ handle: TransferHandle, to key: FlightKey, flight: UInt64) -> TransferHandle? {
        state.withLock { state in
            guard state.flights[key]?.id == flight else { return handle }
            state.flights[key]!.handle = handle
            return nil
        }
    }

    /// The leader could not send after all (its budget refused the hedge): whoever joined
    /// meanwhile hears it as a transport failure, so no waiter is left without an answer.
    func abandon(_ key: FlightKey, flight: UInt64, token: UInt64) {
        let others: [Delivery] = state.withLock { state in
            guard let existing = state.flights[key], existing.id == flight else { return [] }
            state.flights[key] = nil
            return existing.waiters.filter { $0.token != token }.map(\.deliver)
        }
        let failure = ClassifiedAttempt(result: .failure(.error, httpStatus: nil), detail: "shared attempt not sent")
        for deliver in others { deliver(failure) }
    }

    /// A waiter no longer needs the transfer (its attempt was aborted: its own deadline, timeout or
    /// rule). The transfer's handle comes back when no waiter is left: the caller cancels it.
    func leave(_ key: FlightKey, token: UInt64, reason: AttemptAbortReason?) -> TransferHandle? {
        state.withLock { state in
            guard var flight = state.flights[key] else { return nil }
            flight.waiters.removeAll { $0.token == token }
            guard flight.waiters.isEmpty else {
                state.flights[key] = flight
                return nil
            }
            state.flights[key] = nil
            flight.note.record(reason)
            return flight.handle
        }
    }

    /// The shared transfer ended: the answer is stored (if it may be), then every waiter hears it.
    func finish(_ key: FlightKey, flight: UInt64, _ attempt: ClassifiedAttempt, responseHeaders: [(String, String)],
                now: Int64) {
        store(key.key, attempt, responseHeaders: responseHeaders, now: now)
        let waiters: [Delivery] = state.withLock { state in
            guard let existing = state.flights[key], existing.id == flight else { return [] }
            state.flights[key] = nil
            return existing.waiters.map(\.deliver)
        }
        for deliver in waiters { deliver(attempt) }
    }
}
