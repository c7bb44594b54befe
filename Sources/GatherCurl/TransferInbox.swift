import CCurlShim
import Synchronization

/// A transfer thread's locked command queue plus the eventfd that wakes its epoll_wait.
/// A write happens only when the thread has not been woken since it last emptied the queue,
/// so a burst of requests costs one write and one read.
final class TransferInbox {
    let eventFD: Int32
    private struct Queue {
        var pending: [TransferCommand] = []
        var wakeRequested = false
        var closed = false
    }

    private let queue = Mutex(Queue())

    init?() {
        eventFD = gather_eventfd_create()
        guard eventFD >= 0 else {
            return nil
        }
        queue.withLock { $0.pending.reserveCapacity(64) }
    }

    deinit {
        // Closed only here, when nothing can post any more: a poster between its unlock and its
        // write must never hit a closed (or reused) descriptor.
        gather_close(eventFD)
    }

    /// False when the thread has stopped taking commands.
    func post(_ command: TransferCommand) -> Bool {
        let (accepted, mustWake): (Bool, Bool) = queue.withLock { queue in
            guard !queue.closed else {
                return (false, false)
            }
            queue.pending.append(command)
            let first = !queue.wakeRequested
            queue.wakeRequested = true
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
        queue.withLock { queue in
            guard !queue.closed else {
                return false
            }
            queue.pending.append(command)
            return true
        }
    }

    /// Wakes the thread if something is queued and no wake is on its way already.
    func wakeIfQueued() {
        let mustWake: Bool = queue.withLock { queue in
            guard !queue.pending.isEmpty, !queue.wakeRequested, !queue.closed else {
                return false
            }
            queue.wakeRequested = true
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
        queue.withLock { queue in
            swap(&queue.pending, &batch)
            queue.wakeRequested = false
        }
    }

    /// Refuses further posts and hands back what is still queued.
    func close(into batch: inout [TransferCommand]) {
        queue.withLock { queue in
            queue.closed = true
            swap(&queue.pending, &batch)
        }
    }
}
