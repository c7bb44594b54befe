import CCurlShim

/// A transfer thread's locked command queue plus the eventfd that wakes its epoll_wait.
/// A write happens only when the thread has not been woken since it last emptied the queue,
/// so a burst of requests costs one write and one read.
final class TransferInbox {
    let eventFD: Int32
    private let mutex = PthreadMutex()
    private var pending: [TransferCommand] = []
    private var wakeRequested = false
    private var closed = false

    init?() {
        eventFD = gather_eventfd_create()
        guard eventFD >= 0 else {
            return nil
        }
        pending.reserveCapacity(64)
    }

    deinit {
        // Closed only here, when nothing can post any more: a poster between its unlock and its
        // write must never hit a closed (or reused) descriptor.
        gather_close(eventFD)
    }

    /// False when the thread has stopped taking commands.
    func post(_ command: TransferCommand) -> Bool {
        let (accepted, mustWake): (Bool, Bool) = mutex.withLock {
            guard !closed else {
                return (false, false)
            }
            pending.append(command)
            let first = !wakeRequested
            wakeRequested = true
            return (true, first)
        }
        if mustWake {
            gather_eventfd_signal(eventFD)
        }
        return accepted
    }

    /// Queues without waking the thread: the poster owes a `wakeIfQueued()` (a `TransferLane`
    /// wakes once per batch). False when the thread has stopped taking commands.
    func postQuietly(_ command: TransferCommand) -> Bool {
        mutex.withLock {
            guard !closed else {
                return false
            }
            pending.append(command)
            return true
        }
    }

    /// Wakes the thread if something is queued and no wake is on its way already.
    func wakeIfQueued() {
        let mustWake: Bool = mutex.withLock {
            guard !pending.isEmpty, !wakeRequested, !closed else {
                return false
            }
            wakeRequested = true
            return true
        }
        if mustWake {
            gather_eventfd_signal(eventFD)
        }
    }

    /// Moves everything queued into `batch` (which must be empty), swapping buffers so neither
    /// side allocates in steady state.
    func take(into batch: inout [TransferCommand]) {
        gather_eventfd_drain(eventFD)
        mutex.withLock {
            swap(&pending, &batch)
            wakeRequested = false
        }
    }

    /// Refuses further posts and hands back what is still queued.
    func close(into batch: inout [TransferCommand]) {
        mutex.withLock {
            closed = true
            swap(&pending, &batch)
        }
    }
}
