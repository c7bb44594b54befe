/// One event loop's way into the transfer engine, so that on a busy core a request does not
/// cost a thread switch per transfer in each direction:
///
/// - `start` queues the transfer on the lane's own transfer thread without waking it; the first
///   start of a batch asks `schedule` for a `flush`, which wakes the thread once for the batch
///   (the event loop runs it after the I/O of its current tick, i.e. after every request that
///   tick read).
/// - `deliver`, called by a completion on its transfer thread, keeps the work until that
///   thread's epoll round ends and then hands everything the round produced for this lane to
///   `schedule` in one call (one event-loop wake-up per round instead of one per transfer).
///   Called anywhere else it schedules at once.
///
/// `start` and `flush` belong to the owning thread (the event loop); `deliver` may be called
/// from any thread. Completions keep the engine's contract: each is called exactly once, on the
/// transfer thread that ran the transfer.
// @unchecked: `nextThread`, `owing` and `flushScheduled` belong to the owning event loop; only `deliver` runs elsewhere.
public final class TransferLane: @unchecked Sendable {
    private let engine: TransferEngine
    private let threads: [TransferThread]
    private let schedule: @Sendable (@escaping @Sendable () -> Void) -> Void
    /// Touched only on the owning thread.
    private var nextThread = 0
    private var owing: [TransferThread] = []
    private var flushScheduled = false

    init(engine: TransferEngine, threads: [TransferThread],
         schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.engine = engine
        self.threads = threads
        self.schedule = schedule
        owing.reserveCapacity(threads.count)
    }

    /// Like `TransferEngine.start`, on this lane's transfer thread(s) and with the wake-up deferred
    /// to the batch's `flush`.
    @discardableResult
    public func start(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamResponse) -> Void) -> TransferHandle {
        guard !threads.isEmpty else {
            return engine.start(request, completion: completion)
        }
        let thread = threads[nextThread]
        nextThread = nextThread + 1 == threads.count ? 0 : nextThread + 1
        let transfer = Transfer(request: request, thread: thread, completion: completion)
        guard thread.inbox.postQuietly(.start(transfer)) else {
            engine.completeWithoutThread(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage))
            return TransferHandle(transfer)
        }
        if !owing.contains(where: { $0 === thread }) {
            owing.append(thread)
        }
        if !flushScheduled {
            flushScheduled = true
            schedule { [self] in flush() }
        }
        return TransferHandle(transfer)
    }

    /// Wakes the transfer threads this batch queued work on. Runs by itself (scheduled by the
    /// first `start` of a batch); calling it early is harmless.
    public func flush() {
        flushScheduled = false
        for thread in owing {
            thread.inbox.wakeIfQueued()
        }
        owing.removeAll(keepingCapacity: true)
    }

    /// Hands `work` to the lane's thread: batched per transfer-thread round when called on a
    /// transfer thread (from a completion), scheduled at once anywhere else.
    public func deliver(_ work: @escaping @Sendable () -> Void) {
        if let current = TransferThread.current {
            current.deferDelivery(work, to: self)
        } else {
            schedule(work)
        }
    }

    /// One scheduled call for the whole round's work, in the order it was handed over.
    func deliverNow(_ work: [@Sendable () -> Void]) {
        if work.count == 1 {
            let only = work[0]
            schedule { only() }
            return
        }
        schedule {
            for item in work {
                item()
            }
        }
    }
}
