import GatherCurl
import NIOCore

/// The transfer engine's lane for each event loop of the gateway's group: requests start their
/// transfers on the lane of the loop that serves them, and the completions come back to that
/// loop in one hop per transfer-thread round (see `TransferLane`).
final class LoopLanes: Sendable {
    private let lanes: [ObjectIdentifier: TransferLane]
    /// For a loop outside the group (not expected): starts at once, one hop per completion.
    private let engine: TransferEngine

    init(engine: TransferEngine, group: EventLoopGroup) {
        let loops = Array(group.makeIterator())
        let made = engine.makeLanes(count: loops.count) { index, work in loops[index].execute(work) }
        var lanes: [ObjectIdentifier: TransferLane] = [:]
        for (loop, lane) in zip(loops, made) {
            lanes[ObjectIdentifier(loop)] = lane
        }
        self.lanes = lanes
        self.engine = engine
    }

    func lane(for loop: EventLoop) -> TransferLane? {
        lanes[ObjectIdentifier(loop)]
    }
}
