import Testing
@testable import GatherCurl

@Suite struct EpollSocketTableTests {
    @Test func aParkedSocketKeepsItsReadiness() {
        var table = EpollSocketTable()
        table.watch(7, read: true, write: false)
        let parked1 = table.park(7)
        #expect(parked1)
        #expect(table.isParked(7))
        // Taken up again for reading: already registered exactly so, nothing to change.
        #expect(table.isRegistered(7, read: true, write: false))
        #expect(!table.isRegistered(7, read: false, write: true))
        #expect(!table.isRegistered(7, read: true, write: true))
    }

    @Test func aWatchedSocketMatchesOnlyItsOwnReadiness() {
        var table = EpollSocketTable()
        table.watch(3, read: false, write: true)
        #expect(table.isRegistered(3, read: false, write: true))
        #expect(!table.isRegistered(3, read: true, write: false))
        table.watch(3, read: true, write: false)
        #expect(table.isRegistered(3, read: true, write: false))
        #expect(!table.isParked(3))
    }

    @Test func aClosedSocketIsForgottenSoItsNumberStartsOver() {
        var table = EpollSocketTable()
        table.watch(9, read: true, write: false)
        let parked2 = table.park(9)
        #expect(parked2)
        table.forget(9)  // libcurl closed it: epoll dropped it, the number may come back
        #expect(!table.isRegistered(9))
        #expect(!table.isRegistered(9, read: true, write: false))
        #expect(!table.isParked(9))
    }

    @Test func parkingWhatWasNeverWatchedAsksForRemoval() {
        var table = EpollSocketTable()
        let parked3 = table.park(5)
        #expect(!parked3)
        table.watch(5)
        let parked4 = table.park(5)
        #expect(parked4)
        let parked5 = table.park(5)
        #expect(!parked5)  // already parked: not watched any more
        #expect(!table.isRegistered(5))
    }

    @Test func descriptorsOutsideTheTableAreNeverRegistered() {
        var table = EpollSocketTable()
        table.watch(-1)
        table.watch(1 << 21)
        #expect(!table.isRegistered(-1, read: true, write: false))
        #expect(!table.isRegistered(1 << 21, read: true, write: false))
        let parked6 = table.park(1 << 21)
        #expect(!parked6)
    }
}
