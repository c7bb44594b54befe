import Testing
@testable import GatherCore

@Suite struct EnvelopeWriterTests {
    private func text(_ envelope: Envelope) -> String {
        var writer = JSONWriter()
        EnvelopeWriter.write(envelope, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// An items envelope whose list is `itemsText`'s elements, as a merge without provenance
    /// passes them.
    private func itemsEnvelope(_ itemsText: String, upstreams: [UpstreamReport]) throws -> Envelope {
        let body = try JSONDocument(indexing: Array(itemsText.utf8))
        let answer = try ItemExtraction.answer(from: body, at: nil, map: []).get()
        let output = ConcatMerge(provenance: false).merge([UpstreamContribution(name: "u", answer: answer)])
        return Envelope(output, mergesItems: true, upstreams: upstreams)
    }

    /// A data envelope carrying one upstream's whole body.
    private func dataEnvelope(_ bodyText: String, upstreams: [UpstreamReport]) throws -> Envelope {
        let answer = UpstreamAnswer(body: try JSONDocument(indexing: Array(bodyText.utf8)))
        return Envelope(payload: .data(.upstream(contribution: 0, position: JSONDocument.root)), upstreams: upstreams,
                        contributions: [UpstreamContribution(name: "u", answer: answer)])
    }

    private let contractReports = [
        UpstreamReport(name: "alpha", status: .ok, httpStatus: 200, ms: 12.4, attempts: 2, hedged: true, wonBy: .hedge, count: 20),
        UpstreamReport(name: "beta", status: .timeout, ms: 250, attempts: 1),
        UpstreamReport(name: "gamma", status: .badStatus, httpStatus: 503, ms: 3.07, attempts: 1),
    ]

    @Test func contractExample() throws {
        let envelope = try itemsEnvelope(#"[{"url":"u","title":"t","_score":0.0325,"_sources":["alpha","beta"]}]"#,
                                         upstreams: contractReports)
        #expect(envelope.partial)
        #expect(text(envelope) == #"{"items":[{"url":"u","title":"t","_score":0.0325,"_sources":["alpha","beta"]}],"partial":true,"upstreams":{"alpha":{"status":"ok","http_status":200,"ms":12.4,"attempts":2,"hedged":true,"won_by":"hedge","count":20},"beta":{"status":"timeout","ms":250.0,"attempts":1},"gamma":{"status":"bad_status","http_status":503,"ms":3.1,"attempts":1}}}"#)
    }

    @Test func dataEnvelopeWithSummaryAndVotes() {
        let envelope = Envelope(payload: .data(.null), upstreams: [
            UpstreamReport(name: "a", status: .ok, httpStatus: 200, ms: 1, attempts: 1, wonBy: .primary, count: 0),
            UpstreamReport(name: "b", status: .cancelled, ms: 2.04, attempts: 1),
        ], summary: [(name: "total_hits", value: .int(1234)), (name: "cheapest", value: .double(9.5)), (name: "none", value: .null)],
           votes: (agree: 2, of: 3))
        #expect(!envelope.partial)
        #expect(text(envelope) == #"{"data":null,"partial":false,"upstreams":{"a":{"status":"ok","http_status":200,"ms":1.0,"attempts":1,"won_by":"primary","count":0},"b":{"status":"cancelled","ms":2.0,"attempts":1}},"summary":{"total_hits":1234,"cheapest":9.5,"none":null},"votes":{"agree":2,"of":3}}"#)
    }

    @Test func failedAnswerWithErrorDetailAndEmptyItems() {
        let envelope = Envelope(payload: .items(.empty), upstreams: [
            UpstreamReport(name: "a", status: .badBody, httpStatus: 200, ms: 4.25, attempts: 1, count: 3,
                           error: "pointer /results is missing"),
            UpstreamReport(name: "b\"q", status: .skipped, ms: 0, attempts: 0, hedged: false, wonBy: .primary),
            UpstreamReport(name: "c", status: .error, ms: 0.96, attempts: 3, hedged: true, error: "connection refused"),
        ])
        #expect(envelope.partial)
        #expect(text(envelope) == #"{"items":[],"partial":true,"upstreams":{"a":{"status":"bad_body","http_status":200,"ms":4.3,"attempts":1,"error":"pointer /results is missing"},"b\"q":{"status":"skipped","ms":0.0,"attempts":0},"c":{"status":"error","ms":1.0,"attempts":3,"hedged":true,"error":"connection refused"}}}"#)
    }

    @Test(arguments: UpstreamStatus.allCases)
    func partialFollowsStatus(status: UpstreamStatus) {
        let envelope = Envelope(payload: .items(.empty), upstreams: [
            UpstreamReport(name: "ok", status: .ok, ms: 1, attempts: 1),
            UpstreamReport(name: "other", status: status, ms: 1, attempts: 1),
        ])
        #expect(envelope.partial == (status != .ok && status != .cancelled))
    }

    @Test func noUpstreams() {
        #expect(text(Envelope(payload: .items(.empty), upstreams: [])) == #"{"items":[],"partial":false,"upstreams":{}}"#)
    }

    @Test func writesIntoAReusedBuffer() throws {
        var writer = JSONWriter()
        writer.writeRaw("garbage")
        writer.reset()
        let envelope = try dataEnvelope("1E0", upstreams: [])
        EnvelopeWriter.write(envelope, into: &writer)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"data":1E0,"partial":false,"upstreams":{}}"#)
        #expect(EnvelopeWriter.bytes(envelope) == writer.bytes)
    }

    @Test func serverTiming() {
        #expect(ServerTimingHeader.value(contractReports)
                == #"alpha;dur=12.4, beta;dur=250.0;desc="timeout", gamma;dur=3.1;desc="bad_status""#)
        #expect(ServerTimingHeader.value([]) == "")
        #expect(ServerTimingHeader.value([UpstreamReport(name: "shard-1 x\r\n\"", status: .cancelled, ms: 0.04, attempts: 1)])
                == #"shard-1_x___;dur=0.0;desc="cancelled""#)
    }

    @Test func errorBody() {
        #expect(String(decoding: ErrorBody.json("no route for GET /x"), as: UTF8.self) == #"{"error":"no route for GET /x"}"#)
        #expect(String(decoding: ErrorBody.json("bad \"q\"\n\\"), as: UTF8.self) == #"{"error":"bad \"q\"\n\\"}"#)
    }
}
