import GatherCore
import Testing

@Suite("W3C traceparent parsing and formatting")
struct TraceContextTests {
    static let valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test("a valid version-00 traceparent keeps its trace id and flags")
    func parsesValid() throws {
        let trace = try #require(TraceContext.parse(traceparent: Self.valid))
        #expect(trace.traceIDHigh == 0x0AF7_6519_16CD_43DD)
        #expect(trace.traceIDLow == 0x8448_EB21_1C80_319C)
        #expect(trace.flags == 0x01)
        #expect(trace.traceIDHex == "0af7651916cd43dd8448eb211c80319c")
        let unsampled = try #require(TraceContext.parse(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"))
        #expect(unsampled.flags == 0x00)
    }

    @Test("invalid traceparents are refused", arguments: [
        "",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",        // no flags
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",     // uppercase
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",     // zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",     // zero parent id
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",     // forbidden version
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-xyz", // version 00 is exactly 55
        "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",     // separator
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333g-01",     // not hex
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0z",     // flags not hex
        "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",     // short version
        "02-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",    // higher version: 56th byte must be '-'
    ])
    func refusesInvalid(_ value: String) {
        #expect(TraceContext.parse(traceparent: value) == nil)
    }

    @Test("a higher version is read as version 00 and may carry more fields")
    func higherVersion() throws {
        let trace = try #require(TraceContext.parse(traceparent: "02-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-later"))
        #expect(trace.traceIDHex == "0af7651916cd43dd8448eb211c80319c")
        // Forwarded as version 00, the only version gather speaks.
        #expect(trace.traceparent(parentID: 0xB7AD_6B71_6920_3331) == Self.valid)
    }

    @Test("traceparent(parentID:) writes version 00, zero-padded ids and the flags")
    func formats() {
        let trace = TraceContext(traceIDHigh: 1, traceIDLow: 0xFF, flags: 0x03)
        #expect(trace.traceparent(parentID: 0xABC) == "00-000000000000000100000000000000ff-0000000000000abc-03")
        let full = TraceContext(traceIDHigh: .max, traceIDLow: .max, flags: 0xFF)
        #expect(full.traceparent(parentID: .max) == "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-ff")
    }

    @Test("a valid client traceparent keeps the trace and forwards tracestate unchanged")
    func keepsClientTrace() {
        var generator = SequenceGenerator(values: [7, 8])
        let trace = TraceContext.make(clientTraceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
                                      clientTracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
                                      using: &generator)
        #expect(trace.traceIDHex == "0af7651916cd43dd8448eb211c80319c")
        #expect(trace.flags == 0x00, "the client's flags (not sampled) are kept")
        #expect(trace.tracestate == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
        #expect(generator.values == [7, 8], "nothing drawn for a kept trace")
    }

    @Test("an invalid client traceparent starts a new sampled trace and drops tracestate")
    func replacesInvalid() {
        var generator = SequenceGenerator(values: [0x11, 0x22])
        let trace = TraceContext.make(clientTraceparent: "00-00000000000000000000000000000000-b7ad6b7169203331-01",
                                      clientTracestate: "congo=t61rcWkgMzE", using: &generator)
        #expect(trace == TraceContext(traceIDHigh: 0x11, traceIDLow: 0x22, flags: 0x01, tracestate: nil))
    }

    @Test("tracestate that is not printable or too long is not forwarded")
    func unforwardableTracestate() {
        var generator = SequenceGenerator(values: [])
        let bad = TraceContext.make(clientTraceparent: Self.valid, clientTracestate: "a=b\u{1}", using: &generator)
        #expect(bad.tracestate == nil)
        let long = TraceContext.make(clientTraceparent: Self.valid,
                                     clientTracestate: String(repeating: "x", count: TraceContext.maxTracestateBytes + 1),
                                     using: &generator)
        #expect(long.tracestate == nil)
        let empty = TraceContext.make(clientTraceparent: Self.valid, clientTracestate: "", using: &generator)
        #expect(empty.tracestate == nil)
    }

    @Test("a new trace id is never all zero and a span id never zero")
    func neverZero() {
        var generator = SequenceGenerator(values: [0, 0, 0, 0, 9])
        let trace = TraceContext.make(clientTraceparent: nil, clientTracestate: nil, using: &generator)
        #expect(trace.traceIDHigh != 0 || trace.traceIDLow != 0)
        #expect(TraceContext.newSpanID(using: &generator) == 9, "zeros are skipped")
    }
}
