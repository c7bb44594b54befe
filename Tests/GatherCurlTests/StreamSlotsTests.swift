import Testing
@testable import GatherCurl

@Suite struct StreamSlotsTests {
    @Test func aHostRunsUpToItsLimitAndTheRestWaitInOrder() {
        var slots = StreamSlots<Int>(limit: 2)
        let got1 = slots.admit(1, host: "https://a")
        #expect(got1)
        let got2 = slots.admit(2, host: "https://a")
        #expect(got2)
        let got3 = slots.admit(3, host: "https://a")
        #expect(!got3)
        let got4 = slots.admit(4, host: "https://a")
        #expect(!got4)
        #expect(slots.running(host: "https://a") == 2)
        #expect(slots.waiting(host: "https://a") == 2)
        // Each slot given back goes to the oldest waiter, which then holds it.
        let got5 = slots.release(host: "https://a")
        #expect(got5 == 3)
        let got6 = slots.release(host: "https://a")
        #expect(got6 == 4)
        #expect(slots.running(host: "https://a") == 2)
        #expect(slots.waiting(host: "https://a") == 0)
        let got7 = slots.release(host: "https://a")
        #expect(got7 == nil)
        let got8 = slots.release(host: "https://a")
        #expect(got8 == nil)
        #expect(slots.running(host: "https://a") == 0)
        // Empty again: a new burst starts from the top.
        let got9 = slots.admit(5, host: "https://a")
        #expect(got9)
    }

    @Test func hostsAreCountedApart() {
        var slots = StreamSlots<Int>(limit: 1)
        let got10 = slots.admit(1, host: "https://a")
        #expect(got10)
        let got11 = slots.admit(2, host: "https://b")
        #expect(got11)
        let got12 = slots.admit(3, host: "https://a")
        #expect(!got12)
        let got13 = slots.release(host: "https://b")
        #expect(got13 == nil)
        let got14 = slots.release(host: "https://a")
        #expect(got14 == 3)
        let got15 = slots.release(host: "https://unknown")
        #expect(got15 == nil)
    }

    @Test func shuttingDownHandsBackEveryWaiterOnce() {
        var slots = StreamSlots<Int>(limit: 1)
        _ = slots.admit(1, host: "https://a")
        _ = slots.admit(2, host: "https://a")
        _ = slots.admit(3, host: "https://a")
        _ = slots.admit(4, host: "https://b")
        _ = slots.admit(5, host: "https://b")
        let got16 = slots.release(host: "https://a")
        #expect(got16 == 2)
        let got17 = slots.removeAllWaiting().sorted()
        #expect(got17 == [3, 5])
        let got18 = slots.removeAllWaiting().isEmpty
        #expect(got18)
        #expect(slots.waiting(host: "https://a") == 0)
    }

    @Test func http2RequestsAreKeyedByHostAndHTTP1OrHedgedOnesAreNot() {
        let h2 = UpstreamConnectionOptions(httpVersion: .http2)
        var request = UpstreamRequest(url: "https://Search.Example:8443/shard/1.json?q=a", connection: h2)
        #expect(TransferThread.streamHost(of: request) == "https://search.example:8443")
        request.url = "https://search.example:8443?q=a"
        #expect(TransferThread.streamHost(of: request) == "https://search.example:8443")
        request.url = "http://h2c.example/x"
        request.connection = UpstreamConnectionOptions(httpVersion: .h2c)
        #expect(TransferThread.streamHost(of: request) == "http://h2c.example")
        request.freshConnection = true
        #expect(TransferThread.streamHost(of: request) == nil)
        request.freshConnection = false
        request.connection = UpstreamConnectionOptions(httpVersion: .http1_1)
        #expect(TransferThread.streamHost(of: request) == nil)
        request.connection = nil
        #expect(TransferThread.streamHost(of: request) == nil)
    }
}
