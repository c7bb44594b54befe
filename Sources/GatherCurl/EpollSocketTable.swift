/// What a transfer thread knows of each socket descriptor in its epoll set: registered or not,
/// and parked (libcurl said CURL_POLL_REMOVE but the descriptor was left in the set). Indexed
/// by descriptor; descriptors past `largestTracked` are never parked (the thread removes them at
/// once, as before).
struct EpollSocketTable {
    private static let notRegistered: UInt8 = 0
    private static let watched: UInt8 = 1
    private static let parked: UInt8 = 2
    private static let largestTracked: Int32 = 1 << 20

    private var states: [UInt8] = []

    func isRegistered(_ socket: Int32) -> Bool {
        state(socket) != Self.notRegistered
    }

    func isParked(_ socket: Int32) -> Bool {
        state(socket) == Self.parked
    }

    mutating func watch(_ socket: Int32) {
        guard socket >= 0, socket < Self.largestTracked else { return }
        let index = Int(socket)
        if index >= states.count {
            states.append(contentsOf: repeatElement(Self.notRegistered, count: max(index + 1 - states.count, 64)))
        }
        states[index] = Self.watched
    }

    /// True when the socket stays in the epoll set; false when the caller must remove it.
    mutating func park(_ socket: Int32) -> Bool {
        guard state(socket) == Self.watched else {
            forget(socket)
            return false
        }
        states[Int(socket)] = Self.parked
        return true
    }

    mutating func forget(_ socket: Int32) {
        guard socket >= 0, Int(socket) < states.count else { return }
        states[Int(socket)] = Self.notRegistered
    }

    private func state(_ socket: Int32) -> UInt8 {
        guard socket >= 0, Int(socket) < states.count else { return Self.notRegistered }
        return states[Int(socket)]
    }
}
