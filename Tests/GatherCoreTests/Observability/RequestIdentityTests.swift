import GatherCore
import Testing

@Suite("Request id and per-attempt trace context")
struct RequestIdentityTests {
    @Test("a printable client request id is kept; otherwise 32 hex digits from the generator")
    func requestID() {
        var generator = SequenceGenerator(values: [])
        #expect(RequestIdentity.make(clientRequestID: "req-123", clientTraceparent: nil, using: &generator).requestID
            == "req-123")
        generator = SequenceGenerator(values: [0x1, 0xABCDEF])
        let made = RequestIdentity.make(clientRequestID: "has space", clientTraceparent: nil, using: &generator)
        #expect(made.requestID == "0000000000000001" + "0000000000abcdef")
    }

    @Test("gather's own span keeps the client's trace id with a new parent id")
    func gatewaySpan() {
        var generator = SequenceGenerator(values: [0x5])
        let identity = RequestIdentity.make(clientRequestID: "r", clientTraceparent: TraceContextTests.valid,
                                            using: &generator)
        #expect(identity.spanID == 0x5)
        #expect(identity.traceparent == "00-0af7651916cd43dd8448eb211c80319c-0000000000000005-01")
    }

    @Test("every upstream attempt gets its own parent id in the same trace")
    func perAttempt() {
        var generator = SequenceGenerator(values: [0x5])
        let identity = RequestIdentity.make(clientRequestID: "r", clientTraceparent: TraceContextTests.valid,
                                            using: &generator)
        var attempts = SequenceGenerator(values: [0xA1, 0, 0xB2])
        let primary = identity.upstreamTraceparent(using: &attempts)
        let hedge = identity.upstreamTraceparent(using: &attempts)
        #expect(primary == "00-0af7651916cd43dd8448eb211c80319c-00000000000000a1-01")
        #expect(hedge == "00-0af7651916cd43dd8448eb211c80319c-00000000000000b2-01")
    }
}
