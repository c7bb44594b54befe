#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CCurl
import CCurlShim

/// One OS thread driving one multi handle with `curl_multi_socket_action` over epoll. libcurl
/// tells it which sockets to watch (socket callback → epoll_ctl) and when to time out (timer
/// callback → epoll_wait's timeout); an eventfd in the same epoll set wakes it for new commands.
/// Everything below `inbox` is touched only on this thread.
final class TransferThread {
    let index: Int
    let inbox: TransferInbox
    private let multi: UnsafeMutableRawPointer
    private let epollFD: Int32
    private let pool: EasyHandlePool
    private var pthread: pthread_t?

    /// CLOCK_MONOTONIC nanoseconds at which libcurl wants CURL_SOCKET_TIMEOUT; .max = none.
    private var timerDeadline = UInt64.max
    private var running = true
    private var active: [Transfer] = []
    private var batch: [TransferCommand] = []
    private var headerScratch: [UInt8] = []
    /// Work completions handed to lanes during this round, per lane, delivered when it ends.
    private var deliveries: [(lane: TransferLane, work: [@Sendable () -> Void])] = []
    /// Per descriptor: whether it is in the epoll set, and whether libcurl released it.
    private var epollSockets = EpollSocketTable()
    private var streamSlots = StreamSlots<Transfer>(limit: TransferThread.streamsPerConnection)
    /// Hosts whose stream slot a transfer gave back this round: the next waiter starts after it.
    private var freedStreamHosts: [String] = []
    private let readyCapacity: Int32 = 64
    private let readyFDs: UnsafeMutablePointer<Int32>
    private let readyFlags: UnsafeMutablePointer<Int32>

    /// Marks a socket as registered in epoll (curl_multi_assign), so the next change is a MOD.
    // nonisolated(unsafe): a constant address used as a tag, never dereferenced.
    nonisolated(unsafe) private static let registeredMarker = UnsafeMutableRawPointer(bitPattern: 1)

    init?(index: Int, maxConnectionsPerHost: Int, maxCachedConnections: Int) {
        guard let inbox = TransferInbox() else {
            return nil
        }
        let epollFD = gather_epoll_create()
        guard epollFD >= 0 else {
            return nil
        }
        guard gather_epoll_watch(epollFD, inbox.eventFD, 0, 1, 0) == 0, let multi = curl_multi_init() else {
            gather_close(epollFD)
            return nil
        }
        self.index = index
        self.inbox = inbox
        self.epollFD = epollFD
        self.multi = multi
        self.pool = EasyHandlePool(capacity: max(maxCachedConnections, 16))
        readyFDs = .allocate(capacity: Int(readyCapacity))
        readyFlags = .allocate(capacity: Int(readyCapacity))
        active.reserveCapacity(64)
        batch.reserveCapacity(64)
        headerScratch.reserveCapacity(256)

        let me = Unmanaged.passUnretained(self).toOpaque()
        gather_multi_set_socket_callback(multi, CurlCallbacks.socket, me)
        gather_multi_set_timer_callback(multi, CurlCallbacks.timer, me)
        gather_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(maxConnectionsPerHost, 1))
        gather_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(maxCachedConnections, 1))
        gather_multi_setopt_long(multi, CURLMOPT_PIPELINING, gather_pipe_multiplex)
        gather_multi_setopt_long(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, TransferThread.streamsPerConnection)
    }

    /// HTTP/2 streams this thread runs at once to one host (`StreamSlots`), and libcurl's own
    /// cap per connection (CURLMOPT_MAX_CONCURRENT_STREAMS, set to the same so the two never
    /// disagree). 100 is what libcurl assumes before the server's SETTINGS frame arrives and what
    /// common servers allow at least (nginx 128, Apache httpd, h2o and swift-nio-http2 100).
    static let streamsPerConnection = 100

    /// The key `StreamSlots` counts a request under: scheme and authority for HTTP/2 requests
    /// that may share a connection; nil for HTTP/1.1 and fresh-connection (hedged) attempts.
    static func streamHost(of request: UpstreamRequest) -> String? {
        guard let options = request.connection, options.httpVersion != .http1_1, !request.freshConnection else {
            return nil
        }
        // Up to the path: "scheme://authority" ends at the third slash (or a query or fragment).
        let url = request.url
        var slashes = 0
        var end = url.endIndex
        for index in url.indices {
            let character = url[index]
            if character == "/" {
                slashes += 1
            }
            if slashes == 3 || (slashes == 2 && (character == "?" || character == "#")) {
                end = index
                break
            }
        }
        return String(url[..<end]).lowercased()
    }

    deinit {
        readyFDs.deallocate()
        readyFlags.deallocate()
    }

    /// Starts the OS thread; false (and everything released) when the system refuses one.
    func launch() -> Bool {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            guard let context else {
                return nil
            }
            let me = Unmanaged<TransferThread>.fromOpaque(context).takeRetainedValue()
            me.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<TransferThread>.fromOpaque(context).release()
            releaseResources()
            return false
        }
        pthread = thread
        return true
    }

    var isCurrentThread: Bool {
        guard let pthread else {
            return false
        }
        return pthread_equal(pthread, pthread_self()) != 0
    }

    func join() {
        if let pthread {
            pthread_join(pthread, nil)
        }
    }

    // MARK: libcurl callbacks

    func socketChanged(_ socket: curl_socket_t, what: Int32, known: Bool) {
        if what == gather_poll_remove {
            // A finished transfer's connection goes back to libcurl's cache and the next transfer
            // on it wants it again: it stays in the epoll set (parked), which turns an ADD + DEL
            // pair per transfer into one MOD. A parked socket that turns ready is removed then.
            if !epollSockets.park(socket) {
                gather_epoll_unwatch(epollFD, socket)
            }
            return
        }
        let wantRead = (what & gather_poll_in) != 0
        let wantWrite = (what & gather_poll_out) != 0
        if !known {
            curl_multi_assign(multi, socket, TransferThread.registeredMarker)
        }
        // A cached connection taken up again asks for the readiness it was parked with: no
        // syscall. (Exact because libcurl reports every close, see socketClosed.)
        if epollSockets.isRegistered(socket, read: wantRead, write: wantWrite) {
            epollSockets.watch(socket, read: wantRead, write: wantWrite)
            return
        }
        // MOD when it is (or may still be) in the set; the C side falls back to ADD (or MOD) when
        // the kernel disagrees.
        let registered = known || epollSockets.isRegistered(socket)
        if gather_epoll_watch(epollFD, socket, registered ? 1 : 0, wantRead ? 1 : 0, wantWrite ? 1 : 0) == 0 {
            epollSockets.watch(socket, read: wantRead, write: wantWrite)
        } else {
            epollSockets.forget(socket)
        }
    }

    /// libcurl closes one of this thread's sockets (CURLOPT_CLOSESOCKETFUNCTION): closing takes it
    /// out of epoll, and the number may come back for another socket.
    func socketClosed(_ socket: curl_socket_t) {
        epollSockets.forget(socket)
    }

    /// CURLOPT_CLOSESOCKETDATA for the easy handles this thread runs.
    var closeSocketUserdata: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    func timerChanged(_ timeoutMilliseconds: Int) {
        if timeoutMilliseconds < 0 {
            timerDeadline = .max
        } else {
            timerDeadline = gather_monotonic_nanos() &+ UInt64(timeoutMilliseconds) &* 1_000_000
        }
    }

    /// The transfer thread running on the calling OS thread, if any.
    static var current: TransferThread? {
        guard let pointer = gather_current_transfer_thread() else {
            return nil
        }
        return Unmanaged<TransferThread>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Keeps `work` for `lane` until this round ends, so that one hop carries every completion
    /// of the round. Only on this thread.
    func deferDelivery(_ work: @escaping @Sendable () -> Void, to lane: TransferLane) {
        for index in deliveries.indices where deliveries[index].lane === lane {
            deliveries[index].work.append(work)
            return
        }
        deliveries.append((lane, [work]))
    }

    private func deliverRound() {
        guard !deliveries.isEmpty else {
            return
        }
        for delivery in deliveries {
            delivery.lane.deliverNow(delivery.work)
        }
        deliveries.removeAll(keepingCapacity: true)
    }

    // MARK: loop

    private func run() {
        gather_set_thread_name("gather-curl-\(index)")
        gather_set_current_transfer_thread(Unmanaged.passUnretained(self).toOpaque())
        defer { gather_set_current_transfer_thread(nil) }
        var stillRunning: Int32 = 0
        while running {
            let ready = gather_epoll_wait(epollFD, readyFDs, readyFlags, readyCapacity, epollTimeout())
            var inboxReady = false
            if ready > 0 {
                for slot in 0..<Int(ready) {
                    let fd = readyFDs[slot]
                    if fd == inbox.eventFD {
                        inboxReady = true
                    } else if epollSockets.isParked(fd) {
                        // Idle cached connection: the peer closed it or sent something unasked.
                        // libcurl finds that out itself when it next picks the connection.
                        gather_epoll_unwatch(epollFD, fd)
                        epollSockets.forget(fd)
                    } else {
                        curl_multi_socket_action(multi, fd, readyFlags[slot], &stillRunning)
                    }
                }
            }
            if inboxReady {
                inbox.take(into: &batch)
                for command in batch {
                    perform(command)
                }
                batch.removeAll(keepingCapacity: true)
            }
            // Adding a handle asks for an immediate timeout: serve it now, not one epoll_wait later.
            if timerDeadline != .max, gather_monotonic_nanos() >= timerDeadline {
                timerDeadline = .max
                curl_multi_socket_action(multi, gather_socket_timeout, 0, &stillRunning)
            }
            collectFinished()
            startWaiting()
            deliverRound()
        }
        tearDown()
        deliverRound()
    }

    /// Milliseconds until libcurl's timer, rounded up so a sub-millisecond wait does not spin.
    private func epollTimeout() -> Int32 {
        guard timerDeadline != .max else {
            return -1
        }
        let now = gather_monotonic_nanos()
        guard timerDeadline > now else {
            return 0
        }
        let milliseconds = (timerDeadline - now + 999_999) / 1_000_000
        return Int32(clamping: milliseconds)
    }

    private func perform(_ command: TransferCommand) {
        switch command {
        case .start(let transfer):
            guard running else {
                finish(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage), connections: 0)
                return
            }
            if let host = TransferThread.streamHost(of: transfer.request) {
                transfer.streamHost = host
                guard streamSlots.admit(transfer, host: host) else {
                    return  // waits (state .queued) until one of the host's transfers ends
                }
                transfer.holdsStreamSlot = true
            }
            begin(transfer)
        case .cancel(let transfer):
            if transfer.state == .active {
                finish(transfer, .failed(.cancelled, message: "cancelled"))
            } else if transfer.state == .queued, transfer.streamHost != nil, !transfer.holdsStreamSlot {
                // Waiting for a stream slot: it leaves the queue when its turn comes (skipped).
                finish(transfer, .failed(.cancelled, message: "cancelled"), connections: 0)
            }
        case .limitConnectionsPerHost(let limit):
            gather_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(limit, 1))
        case .stop:
            running = false
        }
    }

    private func begin(_ transfer: Transfer) {
        guard let easy = pool.acquire() else {
            finish(transfer, .failed(.transport, message: "curl_easy_init failed"), connections: 0)
            return
        }
        transfer.easy = easy
        if let problem = EasyHandleSetup.configure(easy, for: transfer, scratch: &headerScratch) {
            finish(transfer, .failed(.transport, message: problem), connections: 0)
            return
        }
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            let text = String(cString: curl_multi_strerror(added))
            finish(transfer, .failed(.transport, message: "curl_multi_add_handle: " + text), connections: 0)
            return
        }
        transfer.state = .active
        transfer.activeIndex = active.count
        active.append(transfer)
    }

    /// Hands each slot given back this round to the host's next waiting transfer. A waiter that
    /// was cancelled passes its slot on; one that waited its whole timeout fails as a timeout.
    private func startWaiting() {
        while let host = freedStreamHosts.popLast() {
            guard let next = streamSlots.release(host: host) else {
                continue
            }
            next.holdsStreamSlot = true
            if next.state == .finished {
                next.holdsStreamSlot = false
                freedStreamHosts.append(host)
            } else if Double(next.request.timeoutMilliseconds) <= next.elapsedMilliseconds {
                finish(next, .failed(.timeout, message: "timed out waiting for an HTTP/2 stream to \(host)"),
                       connections: 0)
            } else {
                begin(next)
            }
        }
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard gather_multi_message_is_done(message) != 0, let handle = message.pointee.easy_handle else {
                continue
            }
            // The message dies with remove_handle (inside finish): read it first.
            let result = gather_multi_message_result(message)
            var context: UnsafeMutableRawPointer? = nil
            gather_easy_getinfo_ptr(handle, CURLINFO_PRIVATE, &context)
            guard let context else {
                continue
            }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            finish(transfer, outcome(of: transfer, result: result))
        }
    }

    private func outcome(of transfer: Transfer, result: CURLcode) -> TransferOutcome {
        guard let easy = transfer.easy else {
            return .failed(.transport, message: "transfer lost its handle")
        }
        if result == CURLE_OK {
            var status = 0
            gather_easy_getinfo_long(easy.handle, CURLINFO_RESPONSE_CODE, &status)
            let parts = transfer.takeResponseParts()
            return .completed(status: status, headers: parts.headers, body: parts.body)
        }
        if transfer.limitExceeded {
            return .failed(.tooLarge, message: "response body exceeds \(max(0, transfer.request.maxBodyBytes)) bytes")
        }
        if result == CURLE_OPERATION_TIMEDOUT {
            return .failed(.timeout, message: easy.errorText(for: result))
        }
        return .failed(.transport, message: easy.errorText(for: result))
    }

    /// Ends a transfer exactly once: detaches it from libcurl (closing a half-used connection),
    /// recycles the handle, then calls the completion with no lock held.
    private func finish(_ transfer: Transfer, _ outcome: TransferOutcome, connections known: Int? = nil) {
        guard transfer.state != .finished else {
            return
        }
        var connections = known ?? 0
        if let easy = transfer.easy {
            if known == nil {
                gather_easy_getinfo_long(easy.handle, CURLINFO_NUM_CONNECTS, &connections)
            }
            if transfer.state == .active {
                curl_multi_remove_handle(multi, easy.handle)
                removeFromActive(transfer)
            }
            pool.release(easy, keepingPlainGetOptions: transfer.isPlainGet)
            transfer.easy = nil
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
        transfer.state = .finished
        if transfer.holdsStreamSlot, let host = transfer.streamHost {
            transfer.holdsStreamSlot = false
            freedStreamHosts.append(host)
        }
        let response = UpstreamResponse(outcome: outcome, totalMilliseconds: transfer.elapsedMilliseconds,
                                        connectionsOpened: connections)
        transfer.takeCompletion()?(response)
    }

    private func removeFromActive(_ transfer: Transfer) {
        let index = transfer.activeIndex
        guard index >= 0, index < active.count, active[index] === transfer else {
            return
        }
        let last = active.removeLast()
        if index < active.count {
            active[index] = last
            last.activeIndex = index
        }
        transfer.activeIndex = -1
    }

    /// Fails whatever is queued or running as cancelled, then frees every libcurl resource.
    private func tearDown() {
        inbox.close(into: &batch)
        for command in batch {
            if case .start(let transfer) = command {
                finish(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage), connections: 0)
            }
        }
        batch.removeAll()
        for transfer in streamSlots.removeAllWaiting() {
            finish(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage), connections: 0)
        }
        freedStreamHosts.removeAll()
        while let transfer = active.last {
            finish(transfer, .failed(.cancelled, message: TransferEngine.shutdownMessage))
        }
        releaseResources()
    }

    private func releaseResources() {
        pool.destroyAll()
        curl_multi_cleanup(multi)
        gather_close(epollFD)
    }
}
