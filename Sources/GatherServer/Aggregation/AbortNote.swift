import GatherCore
import Synchronization

/// Why the machine aborted one attempt, carried from the event loop (which knows) to the
/// transfer's completion (which runs on a transfer thread and only hears "cancelled"), so the
/// upstream's health learns a timeout or a slow overtaken primary rather than nothing.
/// Written before the cancel is posted, so the completion always sees it.
final class AbortNote: Sendable {
    private let reason = Mutex<AttemptAbortReason?>(nil)

    func record(_ value: AttemptAbortReason?) {
        reason.withLock { $0 = value }
    }

    var value: AttemptAbortReason? {
        reason.withLock { $0 }
    }
}
