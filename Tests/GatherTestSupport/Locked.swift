import Synchronization

/// A value behind a `Synchronization.Mutex`, shared by reference between a test and the closures
/// it hands to other threads (a `Mutex` itself cannot be captured: it is not copyable).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    public func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }

    public var value: Value { withLock { $0 } }
}
