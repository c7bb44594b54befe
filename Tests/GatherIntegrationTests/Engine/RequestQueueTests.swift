@testable import GatherServer
import NIOCore
import NIOHTTP1
import Testing

@Suite struct RequestQueueTests {
    private let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a"))

    private func kind(_ event: RequestQueueHandler.Event?) -> String {
        switch event {
        case .part(.head)?: return "head"
        case .part(.body)?: return "body"
        case .part(.end)?: return "end"
        case .error?: return "error"
        case nil: return "waits"
        }
    }

    @Test func oneRequestAtATimePassesStraightThrough() {
        var queue = RequestQueue()
        let event1 = queue.arrived(.part(head))
        #expect(kind(event1) == "head")
        let event2 = queue.arrived(.part(.end(nil)))
        #expect(kind(event2) == "end")
        #expect(!queue.isHoldingReads)  // nothing waits: reads go on while the response is owed
        queue.responseEnded()
        let event3 = queue.nextReady()
        #expect(kind(event3) == "waits")
        let event4 = queue.arrived(.part(head))
        #expect(kind(event4) == "head")
    }

    @Test func aPipelinedRequestWaitsForTheResponseBeforeIt() {
        var queue = RequestQueue()
        _ = queue.arrived(.part(head))
        _ = queue.arrived(.part(.end(nil)))
        let event5 = queue.arrived(.part(head))
        #expect(kind(event5) == "waits")
        let event6 = queue.arrived(.part(.end(nil)))
        #expect(kind(event6) == "waits")
        let event7 = queue.arrived(.part(head))
        #expect(kind(event7) == "waits")
        #expect(queue.isHoldingReads)
        queue.responseEnded()
        // The next request, up to its end; the one after it waits for that one's response.
        let event8 = queue.nextReady()
        #expect(kind(event8) == "head")
        let event9 = queue.nextReady()
        #expect(kind(event9) == "end")
        let event10 = queue.nextReady()
        #expect(kind(event10) == "waits")
        #expect(queue.isHoldingReads)
        queue.responseEnded()
        let event11 = queue.nextReady()
        #expect(kind(event11) == "head")
        let event12 = queue.nextReady()
        #expect(kind(event12) == "waits")
        #expect(!queue.isHoldingReads)
    }

    @Test func aParseErrorAnswersInItsTurnAndEndsTheConnection() {
        var queue = RequestQueue()
        _ = queue.arrived(.part(head))
        _ = queue.arrived(.part(.end(nil)))
        let event13 = queue.arrived(.error(HTTPParserError.invalidMethod))
        #expect(kind(event13) == "waits")
        let event14 = queue.arrived(.part(head))
        #expect(kind(event14) == "waits")
        queue.responseEnded()
        let event15 = queue.nextReady()
        #expect(kind(event15) == "error")
        let event16 = queue.nextReady()
        #expect(kind(event16) == "waits")  // dropped: the connection closes
        #expect(!queue.isHoldingReads)
        let event17 = queue.arrived(.part(head))
        #expect(kind(event17) == "waits")
    }

    @Test func aParseErrorWithNothingOwedPassesAtOnce() {
        var queue = RequestQueue()
        let event18 = queue.arrived(.error(HTTPParserError.invalidMethod))
        #expect(kind(event18) == "error")
    }

    @Test func dropForgetsWhatWaited() {
        var queue = RequestQueue()
        _ = queue.arrived(.part(head))
        _ = queue.arrived(.part(.end(nil)))
        _ = queue.arrived(.part(head))
        queue.drop()
        #expect(!queue.isHoldingReads)
        queue.responseEnded()
        let event19 = queue.nextReady()
        #expect(kind(event19) == "waits")
    }
}

@Suite struct WaitTimerTests {
    @Test func firingWhileARequestIsServedDoesNothing() {
        #expect(WaitTimer.onFire(deadline: nil, now: .uptimeNanoseconds(5)) == .idle)
    }

    @Test func firingAfterTheDeadlineCloses() {
        #expect(WaitTimer.onFire(deadline: .uptimeNanoseconds(5), now: .uptimeNanoseconds(5)) == .close)
        #expect(WaitTimer.onFire(deadline: .uptimeNanoseconds(5), now: .uptimeNanoseconds(9)) == .close)
    }

    @Test func firingBeforeAMovedDeadlineWaitsAgain() {
        #expect(WaitTimer.onFire(deadline: .uptimeNanoseconds(50), now: .uptimeNanoseconds(9)) == .again(.uptimeNanoseconds(50)))
    }
}
