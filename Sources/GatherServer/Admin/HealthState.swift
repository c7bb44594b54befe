import Synchronization

/// Whether the gateway still takes new work; `/readyz` answers 503 once draining starts.
final class HealthState: Sendable {
    private let draining = Atomic<Bool>(false)

    func startDraining() { draining.store(true, ordering: .relaxed) }
    var isDraining: Bool { draining.load(ordering: .relaxed) }
}
