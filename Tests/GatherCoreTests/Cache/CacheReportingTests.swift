import Testing
@testable import GatherCore

/// How the envelope and Server-Timing say that an upstream was served from a cache.
struct CacheReportingTests {
    private func envelope(_ reports: [UpstreamReport]) -> String {
        String(decoding: EnvelopeWriter.bytes(Envelope(payload: .data(.null), upstreams: reports)), as: UTF8.self)
    }

    @Test func staleFillIsReportedAndNotPartial() {
        var stale = UpstreamReport(name: "a", status: .ok, httpStatus: 200, ms: 200, attempts: 1, count: 3,
                                   error: "timeout; served stale")
        stale.cache = .stale
        stale.ageMilliseconds = 316.64
        var hit = UpstreamReport(name: "b", status: .ok, httpStatus: 200, ms: 0.2, attempts: 0, count: 2)
        hit.cache = .hit
        let text = envelope([stale, hit])
        #expect(text == #"{"data":null,"partial":false,"stale":true,"upstreams":{"# +
            #""a":{"status":"ok","http_status":200,"ms":200.0,"attempts":1,"count":3,"cache":"stale","age_ms":316.6,"error":"timeout; served stale"},"# +
            #""b":{"status":"ok","http_status":200,"ms":0.2,"attempts":0,"count":2,"cache":"hit"}}}"#)
        #expect(ServerTimingHeader.value([stale, hit]) == #"a;dur=200.0;desc="stale", b;dur=0.2;desc="hit""#)
    }

    @Test func withoutACacheNothingChanges() {
        let plain = UpstreamReport(name: "a", status: .timeout, ms: 250, attempts: 1)
        #expect(envelope([plain]) == #"{"data":null,"partial":true,"upstreams":{"a":{"status":"timeout","ms":250.0,"attempts":1}}}"#)
        var miss = UpstreamReport(name: "a", status: .ok, httpStatus: 200, ms: 12, attempts: 1)
        miss.cache = .miss
        #expect(ServerTimingHeader.value([miss]) == "a;dur=12.0", "a miss is an ordinary answer")
        #expect(!Envelope(payload: .data(.null), upstreams: [miss]).stale)
    }

    @Test func aCompactedDocumentIsTheSameInLessStorage() throws {
        var bytes = Array(#"{"results":[{"id":1},{"id":2}]}"#.utf8)
        bytes.reserveCapacity(4096)
        let document = try JSONDocument(indexing: bytes)
        let compact = document.compacted()
        #expect(compact.bytes == document.bytes)
        #expect(compact.resolve(JSONPointer("/results/1/id")!) == document.resolve(JSONPointer("/results/1/id")!))
        #expect(compact.footprint < document.footprint)
        #expect(compact.footprint >= bytes.count)
        let answer = UpstreamAnswer(body: document, items: [2, 5])
        #expect(answer.compacted().footprint < answer.footprint)
        #expect(answer.compacted().itemsDocument.bytes == document.bytes)
    }
}
