/// How many HTTP/2 transfers one transfer thread runs at once to one host; the rest wait here,
/// first come first served, until one of that host's transfers ends.
///
/// Why gather counts instead of leaving it to libcurl: libcurl 7.88 makes a transfer wait
/// (CURLOPT_PIPEWAIT) only for a host's *first* connection. Once every connection it has to a
/// host carries as many streams as it believes allowed (100 until the server's SETTINGS frame
/// has been read, and CURLMOPT_MAX_CONCURRENT_STREAMS), each further transfer opens a connection
/// of its own while the new ones are still in their handshake, up to
/// CURLMOPT_MAX_HOST_CONNECTIONS: one 200-shard request opened 32 connections per thread
/// (bench/h2conns/run). Holding a host at `limit` streams per thread keeps it on one connection
/// per thread whenever the server allows that many streams.
struct StreamSlots<Waiter> {
    let limit: Int
    private var hosts: [String: Host] = [:]

    private struct Host {
        var running = 0
        var waiting: [Waiter] = []
        var nextWaiting = 0
    }

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// True: `waiter` may run now (it holds a slot until `release`). False: it waits its turn.
    // Mutated through the subscript in place: a copied Host would copy its queue per call.
    mutating func admit(_ waiter: Waiter, host: String) -> Bool {
        if hosts[host, default: Host()].running < limit {
            hosts[host, default: Host()].running += 1
            return true
        }
        hosts[host, default: Host()].waiting.append(waiter)
        return false
    }

    /// Gives back one slot of `host`; returns the waiter that takes it, if any (it then holds it).
    mutating func release(host: String) -> Waiter? {
        guard let entry = hosts[host] else {
            return nil
        }
        if entry.nextWaiting < entry.waiting.count {
            let next = entry.waiting[entry.nextWaiting]
            hosts[host]?.nextWaiting += 1
            if entry.nextWaiting + 1 == entry.waiting.count {
                hosts[host]?.waiting.removeAll(keepingCapacity: true)
                hosts[host]?.nextWaiting = 0
            }
            return next
        }
        if entry.running <= 1 {
            hosts[host] = nil
        } else {
            hosts[host]?.running -= 1
        }
        return nil
    }

    /// Everything still waiting, oldest first, and forgets it (shutting down).
    mutating func removeAllWaiting() -> [Waiter] {
        var all: [Waiter] = []
        for host in hosts.values {
            all += host.waiting[host.nextWaiting...]
        }
        hosts.removeAll()
        return all
    }

    func running(host: String) -> Int {
        hosts[host]?.running ?? 0
    }

    func waiting(host: String) -> Int {
        guard let entry = hosts[host] else {
            return 0
        }
        return entry.waiting.count - entry.nextWaiting
    }
}
