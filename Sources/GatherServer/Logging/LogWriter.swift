#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log lines from one background thread, so that no event loop ever blocks on a slow
/// terminal, pipe or disk. Callers format their line themselves and hand over the bytes;
/// the queue is bounded in bytes, and a line that does not fit is dropped and counted (the
/// writer reports the count with the next batch) rather than making the caller wait.
///
/// Batching: woken by the first line into an empty queue, the writer lingers `lingerMilliseconds`
/// (or until `batchBytes` are queued, or a flush) before it writes, so a busy gateway pays one
/// wake-up and one `write(2)` per batch, not per request.
// @unchecked: every mutable field is guarded by its pthread mutex (a condition variable needs one).
public final class LogWriter: @unchecked Sendable {
    /// Receives a batch of whole lines, on the writer thread only.
    public typealias Sink = @Sendable (UnsafeRawBufferPointer) -> Void

    public let capacityBytes: Int
    public let batchBytes: Int
    public let lingerMilliseconds: Int
    private let sink: Sink
    private let dropNotice: @Sendable (Int) -> [UInt8]
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// The writer sleeps on it while there is nothing to write.
    private let workAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// `flush` sleeps on it until everything queued before it has been written.
    private let drained = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Guarded by `mutex`.
    private var pending: [UInt8] = []
    private var writing = false
    private var writerWaiting = false
    private var writerLingering = false
    private var flushRequested = false
    private var stopping = false
    private var running = false
    private var droppedTotal = 0
    private var droppedUnreported = 0

    private var thread: pthread_t?

    /// - Parameters:
    ///   - capacityBytes: queued bytes past which new lines are dropped.
    ///   - dropNotice: the line written after lines were dropped, given how many.
    ///   - sink: where batches go; standard error by default.
    public init(capacityBytes: Int = 4 << 20, batchBytes: Int = 64 << 10, lingerMilliseconds: Int = 10,
                dropNotice: @escaping @Sendable (Int) -> [UInt8] = { Array("gather: \($0) log lines dropped\n".utf8) },
                sink: @escaping Sink = LogWriter.writeToStandardError) {
        self.capacityBytes = capacityBytes
        self.batchBytes = batchBytes
        self.lingerMilliseconds = lingerMilliseconds
        self.sink = sink
        self.dropNotice = dropNotice
        pthread_mutex_init(mutex, nil)
        // Timed waits on the monotonic clock: a wall-clock step must not stretch a linger.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(workAvailable, &attributes)
        pthread_cond_init(drained, &attributes)
        pthread_condattr_destroy(&attributes)
        pending.reserveCapacity(min(capacityBytes, 64 << 10))
        start()
    }

    deinit {
        pthread_cond_destroy(drained)
        pthread_cond_destroy(workAvailable)
        pthread_mutex_destroy(mutex)
        drained.deallocate()
        workAvailable.deallocate()
        mutex.deallocate()
    }

    /// Queues one line (with its `\n`); false when it was dropped because the queue is full.
    /// Never blocks for longer than it takes to copy the bytes.
    @discardableResult
    public func enqueue(_ line: [UInt8]) -> Bool {
        pthread_mutex_lock(mutex)
        guard running, pending.count + line.count <= capacityBytes else {
            droppedTotal += 1
            droppedUnreported += 1
            pthread_mutex_unlock(mutex)
            return false
        }
        pending.append(contentsOf: line)
        // Only an idle writer needs the signal, or a lingering one once a batch is full; a busy
        // one takes the line with its next batch.
        let wake = writerWaiting || (writerLingering && pending.count >= batchBytes)
        if wake { writerLingering = false }
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(workAvailable) }
        return true
    }

    /// Lines dropped since start because the queue was full (or the writer stopped).
    public var droppedLines: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return droppedTotal
    }

    /// Waits until every line queued so far is written, at most `timeoutMilliseconds` (a stuck
    /// stderr must not keep the process from exiting). True when everything was written.
    @discardableResult
    public func flush(timeoutMilliseconds: Int = 2000) -> Bool {
        var deadline = Self.monotonicDeadline(afterMilliseconds: timeoutMilliseconds)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while running && (!pending.isEmpty || writing || droppedUnreported > 0) {
            flushRequested = true
            pthread_cond_signal(workAvailable)  // ends a linger, or wakes a writer that was idle
            if pthread_cond_timedwait(drained, mutex, &deadline) == ETIMEDOUT { return false }
        }
        return pending.isEmpty && !writing
    }

    private static func monotonicDeadline(afterMilliseconds milliseconds: Int) -> timespec {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + (milliseconds % 1000) * 1_000_000
        deadline.tv_sec += milliseconds / 1000 + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return deadline
    }

    /// Writes what is queued, then ends the writer thread; later lines are dropped.
    public func shutdown() {
        flush()
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_mutex_unlock(mutex)
        pthread_cond_signal(workAvailable)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    private func start() {
        running = true
        var created = pthread_t()
        let retained = Unmanaged.passRetained(self)
        let result = pthread_create(&created, nil, { context in
            let writer = Unmanaged<LogWriter>.fromOpaque(context!).takeRetainedValue()
            writer.run()
            return nil
        }, retained.toOpaque())
        if result == 0 {
            thread = created
        } else {
            retained.release()
            running = false  // every line is dropped and counted; nothing blocks
        }
    }

    private func run() {
        var batch: [UInt8] = []
        pthread_mutex_lock(mutex)
        while true {
            while pending.isEmpty && droppedUnreported == 0 && !stopping {
                writerWaiting = true
                pthread_cond_wait(workAvailable, mutex)
                writerWaiting = false
            }
            if pending.isEmpty && droppedUnreported == 0 && stopping { break }
            if !flushRequested && !stopping && pending.count < batchBytes && lingerMilliseconds > 0 {
                // Let the batch fill: one wait, ended early by a flush, a full batch or shutdown.
                var deadline = Self.monotonicDeadline(afterMilliseconds: lingerMilliseconds)
                writerLingering = true
                pthread_cond_timedwait(workAvailable, mutex, &deadline)
                writerLingering = false
            }
            flushRequested = false
            swap(&batch, &pending)
            let dropped = droppedUnreported
            droppedUnreported = 0
            writing = true
            pthread_mutex_unlock(mutex)

            if dropped > 0 { batch += dropNotice(dropped) }
            batch.withUnsafeBytes { sink($0) }
            // Keep the buffer for the next swap, unless a burst made it large.
            if batch.capacity > 1 << 20 { batch = [] } else { batch.removeAll(keepingCapacity: true) }

            pthread_mutex_lock(mutex)
            writing = false
            if pending.isEmpty && droppedUnreported == 0 { pthread_cond_broadcast(drained) }
        }
        running = false
        pthread_cond_broadcast(drained)
        pthread_mutex_unlock(mutex)
    }

    /// `write(2)` to standard error until every byte is out; gives up on errors other than EINTR
    /// (a closed stderr must not spin the writer).
    public static let writeToStandardError: Sink = { bytes in
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(2, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            remaining -= written
            next += written
        }
    }
}
