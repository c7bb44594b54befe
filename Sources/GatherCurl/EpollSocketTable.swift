/// What a transfer thread knows of each socket descriptor in its epoll set: registered or not,
/// for which readiness (read, write), and parked (libcurl said CURL_POLL_REMOVE but the
/// descriptor was left in the set). Indexed by descriptor; descriptors past `largestTracked` are
/// never parked (the thread removes them at once, as before).
///
/// The table is exact only because libcurl tells the thread when it closes a socket
/// (CURLOPT_CLOSESOCKETFUNCTION → `forget`): closing drops a descriptor from epoll, and its
/// number may come back for a new socket. With that, a reused connection that asks for the
/// readiness it is already registered for costs no epoll_ctl at all.
struct EpollSocketTable {
    private static let notRegistered: UInt8 = 0
    private static let watched: UInt8 = 1
    private static let parked: UInt8 = 2
    private static let stateMask: UInt8 = 3
    private static let readBit: UInt8 = 4
    private static let writeBit: UInt8 = 8
    private static let largestTracked: Int32 = 1 << 20

    private var states: [UInt8] = []

    func isRegistered(_ socket: Int32) -> Bool {
        state(socket) != Self.notRegistered
    }

    func isParked(_ socket: Int32) -> Bool {
        state(socket) == Self.parked
    }

    /// True when the socket is in the epoll set for exactly this readiness (watched or parked),
    /// so registering it again would change nothing.
    func isRegistered(_ socket: Int32, read: Bool, write: Bool) -> Bool {
        guard socket >= 0, Int(socket) < states.count else { return false }
        let entry = states[Int(socket)]
        return entry & Self.stateMask != Self.notRegistered && entry & ~Self.stateMask == Self.bits(read: read, write: write)
    }

    mutating func watch(_ socket: Int32, read: Bool = true, write: Bool = false) {
        guard socket >= 0, socket < Self.largestTracked else { return }
        let index = Int(socket)
        if index >= states.count {
            states.append(contentsOf: repeatElement(Self.notRegistered, count: max(index + 1 - states.count, 64)))
        }
        states[index] = Self.watched | Self.bits(read: read, write: write)
    }

    /// True when the socket stays in the epoll set (with its readiness); false when the caller
    /// must remove it.
    mutating func park(_ socket: Int32) -> Bool {
        guard state(socket) == Self.watched else {
            forget(socket)
            return false
        }
        let index = Int(socket)
        states[index] = (states[index] & ~Self.stateMask) | Self.parked
        return true
    }

    mutating func forget(_ socket: Int32) {
        guard socket >= 0, Int(socket) < states.count else { return }
        states[Int(socket)] = Self.notRegistered
    }

    private func state(_ socket: Int32) -> UInt8 {
        guard socket >= 0, Int(socket) < states.count else { return Self.notRegistered }
        return states[Int(socket)] & Self.stateMask
    }

    private static func bits(read: Bool, write: Bool) -> UInt8 {
        (read ? readBit : 0) | (write ? writeBit : 0)
    }
}
