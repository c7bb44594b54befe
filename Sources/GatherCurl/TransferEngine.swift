import CCurl
import CCurlShim
import Synchronization

/// The upstream HTTP client: a fixed set of transfer threads, each running many concurrent
/// transfers on one libcurl multi handle with its own connection cache.
///
/// Completions run on the transfer thread that ran the transfer (keep them short; they may call
/// `start` and `cancel`). Exceptions: when the engine is shut down, or could not start any
/// thread, `start` calls the completion before it returns.
// @unchecked: its transfer threads are classes owning C handles; the engine only posts to their locked inboxes.
public final class TransferEngine: @unchecked Sendable {
    /// Why a transfer ends `cancelled` when the engine stops under it (the end of a drain): the
    /// text its upstream's report shows.
    static let shutdownMessage = "aborted: gather is shutting down"

    private let transferThreads: [TransferThread]
    private let roundRobin = Atomic<UInt64>(0)
    private let isShutDown = Atomic<Bool>(false)
    private let unavailableReason: String?

    /// - Parameters:
    ///   - threads: transfer threads (clamped to 1…64).
    ///   - maxConnectionsPerHost: engine-wide; each thread gets its share (rounded up).
    ///   - maxCachedConnections: idle connections kept, engine-wide; each thread gets its share.
    public init(threads: Int = 2, maxConnectionsPerHost: Int = 64, maxCachedConnections: Int = 256) {
        let count = min(max(threads, 1), 64)
        let globalInit = gather_curl_global_init_once()
        var started: [TransferThread] = []
        var reason: String? = nil
        if globalInit != CURLE_OK {
            reason = "curl_global_init failed: " + String(cString: curl_easy_strerror(globalInit))
        } else {
            let perHost = TransferEngine.share(of: maxConnectionsPerHost, among: count)
            let cached = TransferEngine.share(of: maxCachedConnections, among: count)
            for index in 0..<count {
                guard let thread = TransferThread(index: index, maxConnectionsPerHost: perHost, maxCachedConnections: cached),
                      thread.launch() else {
                    continue
                }
                started.append(thread)
            }
            if started.isEmpty {
                reason = "no transfer thread could be started (epoll, eventfd, libcurl or pthread failed)"
            }
        }
        transferThreads = started
        unavailableReason = reason
    }

    deinit {
        shutdown()
    }

    /// Queues the request on a transfer thread (round-robin). The completion is called exactly once.
    @discardableResult
    public func start(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamResponse) -> Void) -> TransferHandle {
        guard let thread = pickThread() else {
            let transfer = Transfer(request: request, thread: nil, completion: completion)
            let message = unavailableReason ?? "transfer engine unavailable"
            completeWithoutThread(transfer, .failed(.transport, message: message))
            return TransferHandle(transfer)
        }
        let transfer = Transfer(request: request, thread: thread, completion: completion)
        if !thread.inbox.post(.start(transfer)) {
            completeWithoutThread(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage))
        }
        return TransferHandle(transfer)
    }

    /// Changes the engine-wide limit of connections to one host (each thread gets its share,
    /// rounded up); transfers past it wait in libcurl's queue for a connection. Takes effect on
    /// each thread before the transfers started after this call.
    public func setMaxConnectionsPerHost(_ total: Int) {
        let perThread = TransferEngine.share(of: total, among: max(transferThreads.count, 1))
        for thread in transferThreads {
            _ = thread.inbox.post(.limitConnectionsPerHost(perThread))
        }
    }


    /// One lane per event loop (`count` of them), each with its own transfer thread(s): with as
    /// many threads as lanes, lane i is thread i; with more threads, lane i gets every thread
    /// whose index is i modulo `count`; with fewer, lanes share threads. `schedule(i, work)` runs
    /// `work` on lane i's owner (its event loop). See `TransferLane`.
    public func makeLanes(count: Int, schedule: @escaping @Sendable (Int, @escaping @Sendable () -> Void) -> Void) -> [TransferLane] {
        let lanes = max(count, 1)
        return (0..<lanes).map { lane in
            let threads = TransferEngine.threadIndices(forLane: lane, lanes: lanes, threads: transferThreads.count)
                .map { transferThreads[$0] }
            return TransferLane(engine: self, threads: threads, schedule: { work in schedule(lane, work) })
        }
    }

    /// Which transfer threads serve a lane (see `makeLanes`).
    static func threadIndices(forLane lane: Int, lanes: Int, threads: Int) -> [Int] {
        guard threads > 0, lanes > 0 else {
            return []
        }
        if threads <= lanes {
            return [lane % threads]
        }
        return Array(stride(from: lane, to: threads, by: lanes))
    }

    /// Aborts the transfer if it is still running: its connection is closed and its completion
    /// gets `.cancelled`. A no-op once it has completed. Callable from any thread.
    public func cancel(_ handle: TransferHandle) {
        guard let thread = handle.transfer.thread else {
            return
        }
        _ = thread.inbox.post(.cancel(handle.transfer))
    }

    /// Stops every thread after failing its queued and running transfers as cancelled, and frees
    /// all libcurl state. Later `start` calls complete at once as cancelled. Idempotent; waits
    /// for the threads unless called from one of them (then they finish on their own).
    public func shutdown() {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        for thread in transferThreads {
            _ = thread.inbox.post(.stop)
        }
        guard !transferThreads.contains(where: { $0.isCurrentThread }) else {
            return
        }
        for thread in transferThreads {
            thread.join()
        }
    }

    private func pickThread() -> TransferThread? {
        guard !transferThreads.isEmpty else {
            return nil
        }
        let ticket = roundRobin.wrappingAdd(1, ordering: .relaxed).oldValue
        return transferThreads[Int(ticket % UInt64(transferThreads.count))]
    }

    func completeWithoutThread(_ transfer: Transfer, _ outcome: TransferOutcome) {
        transfer.state = .finished
        let response = UpstreamResponse(outcome: outcome, totalMilliseconds: transfer.elapsedMilliseconds, connectionsOpened: 0)
        transfer.takeCompletion()?(response)
    }

    private static func share(of total: Int, among threads: Int) -> Int {
        let positive = max(total, 1)
        return positive / threads + (positive % threads == 0 ? 0 : 1)
    }
}
