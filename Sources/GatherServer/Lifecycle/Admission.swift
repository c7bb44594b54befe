import Synchronization

/// Bounds the requests in flight across the gateway (`--max-in-flight`); past it clients get 503.
final class Admission: Sendable {
    private let inFlight = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func enter() -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        if now > limit {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() {
        inFlight.wrappingSubtract(1, ordering: .relaxed)
    }

    var current: Int { inFlight.load(ordering: .relaxed) }
}
