import GatherCore
import Testing

@Suite("Log lines: access and event, text and JSON")
struct LogLineFormatterTests {
    static let time: Int64 = 1_763_703_635_123  // 2025-11-21T05:40:35.123Z
    static let trace = TraceContext(traceIDHigh: 0x0AF7_6519_16CD_43DD, traceIDLow: 0x8448_EB21_1C80_319C, flags: 1)

    static let answered = AccessRecord(
        route: "search", method: "GET", path: "/search", status: 200, partial: true,
        durationNanoseconds: 41_349_999, requestID: "req-1", trace: trace,
        upstreams: [UpstreamReport(name: "alpha", status: .ok, httpStatus: 200, ms: 12.44, attempts: 1),
                    UpstreamReport(name: "beta", status: .timeout, ms: 250, attempts: 2)])

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("access line, text: key=value after the message, upstreams compact")
    func accessText() {
        let line = LogLineFormatter.access(Self.answered, format: .text, timestampMilliseconds: Self.time,
                                           level: "info", label: "gather.access", message: "request")
        #expect(text(line) == "2025-11-21T05:40:35.123Z info request route=search method=GET path=/search status=200 "
            + "partial=true ms=41.3 request_id=req-1 trace_id=0af7651916cd43dd8448eb211c80319c "
            + "upstreams=alpha:ok:12.4,beta:timeout:250.0\n")
    }

    @Test("access line, JSON: one object, upstreams as the same compact string")
    func accessJSON() throws {
        let line = LogLineFormatter.access(Self.answered, format: .json, timestampMilliseconds: Self.time,
                                           level: "info", label: "gather.access", message: "request")
        #expect(text(line) == #"{"ts":"2025-11-21T05:40:35.123Z","level":"info","logger":"gather.access","msg":"request","#
            + #""route":"search","method":"GET","path":"/search","status":200,"partial":true,"ms":41.3,"#
            + #""request_id":"req-1","trace_id":"0af7651916cd43dd8448eb211c80319c","#
            + #""upstreams":"alpha:ok:12.4,beta:timeout:250.0"}"# + "\n")
        let parsed = try JSONParser.parse(Array(line.dropLast()))
        #expect(JSONPointer("/status")!.resolve(in: parsed) == .int(200))
    }

    @Test("a rejected request: route - (null in JSON), no upstreams; a first-wins answer names its winner")
    func rejectedAndWinner() throws {
        let rejected = AccessRecord(route: nil, method: "GET", path: "/nope", status: 404,
                                    durationNanoseconds: 50_000, requestID: "r2", trace: Self.trace)
        #expect(text(LogLineFormatter.access(rejected, format: .text, timestampMilliseconds: 0, level: "info",
                                             label: "a", message: "request"))
            == "1970-01-01T00:00:00.000Z info request route=- method=GET path=/nope status=404 partial=false ms=0.1 "
            + "request_id=r2 trace_id=0af7651916cd43dd8448eb211c80319c\n")
        let json = LogLineFormatter.access(rejected, format: .json, timestampMilliseconds: 0, level: "info",
                                           label: "a", message: "request")
        let object = try JSONParser.parse(Array(json.dropLast()))
        #expect(JSONPointer("/route")!.resolve(in: object) == .null)
        #expect(JSONPointer("/upstreams")!.resolve(in: object) == nil)

        var first = Self.answered
        first.winner = "eu"
        first.partial = false
        let line = text(LogLineFormatter.access(first, format: .text, timestampMilliseconds: 0, level: "info",
                                                label: "a", message: "request"))
        #expect(line.hasSuffix(" winner=eu\n"))
    }

    @Test("text values that are not one plain token are quoted and escaped; nothing breaks the line")
    func escaping() {
        var record = Self.answered
        record.requestID = #"a"b=c\d"#
        record.path = "/x\ny z"
        record.upstreams = []
        record.trace = nil
        let line = text(LogLineFormatter.access(record, format: .text, timestampMilliseconds: 0, level: "info",
                                                label: "a", message: "req\nuest"))
        #expect(line == #"1970-01-01T00:00:00.000Z info req\nuest route=search method=GET path="/x\ny z" status=200 "#
            + #"partial=true ms=41.3 request_id="a\"b=c\\d""# + "\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("paths longer than 1 KiB are cut, never inside a UTF-8 sequence")
    func longPath() {
        var record = Self.answered
        record.path = Substring("/" + String(repeating: "a", count: 1022) + "é" + String(repeating: "b", count: 100))
        record.upstreams = []
        let json = LogLineFormatter.access(record, format: .json, timestampMilliseconds: 0, level: "info",
                                           label: "a", message: "request")
        let path = JSONPointer("/path")!.resolve(in: try! JSONParser.parse(Array(json.dropLast())))
        #expect(path == .string("/" + String(repeating: "a", count: 1022)))
    }

    @Test("event lines carry their metadata in the given order")
    func events() {
        let textLine = LogLineFormatter.event(format: .text, timestampMilliseconds: Self.time, level: "warning",
                                              label: "gather", message: "route reload failed",
                                              metadata: [("error", "a.yaml:1:2: bad key"), ("reason", "SIGHUP")])
        #expect(text(textLine) == #"2025-11-21T05:40:35.123Z warning route reload failed error="a.yaml:1:2: bad key" reason=SIGHUP"#
            + "\n")
        let jsonLine = LogLineFormatter.event(format: .json, timestampMilliseconds: Self.time, level: "info",
                                              label: "gather", message: "listening",
                                              metadata: [("listen", "127.0.0.1:8080")])
        #expect(text(jsonLine) == #"{"ts":"2025-11-21T05:40:35.123Z","level":"info","logger":"gather","msg":"listening","listen":"127.0.0.1:8080"}"#
            + "\n")
    }

    @Test("description (for other log handlers) is the text fields")
    func description() {
        #expect(Self.answered.description.hasPrefix("route=search method=GET path=/search status=200"))
    }
}
