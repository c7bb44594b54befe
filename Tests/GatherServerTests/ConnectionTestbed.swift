import GatherCore
import GatherCurl
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
@testable import GatherServer

/// The gateway's real connection pipeline (HTTP codec and `GatewayHandler`) on an
/// `EmbeddedChannel`: tests write raw request bytes, read the raw answer bytes and move the
/// loop's clock by hand. No socket, no sleep; routes that need no upstream (404, 405, a 400 for a
/// missing template value) answer synchronously.
final class ConnectionTestbed {
    let channel: EmbeddedChannel
    let context: GatewayContext
    let log = AccessRecords()
    private let engine: TransferEngine

    static let routes = """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://127.0.0.1:9/search?q={query.q}" }
            merge: { items: /results }
          - name: probe
            match: { method: HEAD, path: /probe }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://127.0.0.1:9/probe?q={query.q}" }
            merge: { items: /results }
          - name: probe-get
            match: { method: GET, path: /probe }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://127.0.0.1:9/probe?q={query.q}" }
            merge: { items: /results }
          - name: submit
            match: { method: POST, path: /submit }
            deadline: 1s
            upstreams:
              - { name: a, url: "http://127.0.0.1:9/submit?q={query.q}" }
            merge: { items: /results }
        """

    init(limits: ClientLimits = ClientLimits(), routes: String = ConnectionTestbed.routes) throws {
        let parsed = RouteLoader.parse(text: routes, file: "test.yaml", environment: [:])
        precondition(parsed.errors.isEmpty, "\(parsed.errors)")
        let loop = EmbeddedEventLoop()
        engine = TransferEngine(threads: 1)
        let metrics = GatewayMetrics()
        let records = log
        context = GatewayContext(
            routes: RouteRegistry(routes: parsed.routes, metrics: metrics), engine: engine,
            lanes: LoopLanes(engine: engine, group: loop), limits: limits, admission: Admission(limit: 100),
            logger: Logger(label: "test") { _ in AccessRecordHandler(records: records) }, metrics: metrics)
        channel = EmbeddedChannel(loop: loop)
        try GatewayServer.addConnectionHandlers(to: channel.pipeline.syncOperations, context: context)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    deinit {
        _ = try? channel.finish()
        engine.shutdown()
    }

    /// Sends `text` as the client's bytes and returns every byte the gateway wrote since the last call.
    @discardableResult
    func exchange(_ text: String) throws -> String {
        if channel.isActive { try channel.writeInbound(ByteBuffer(string: text)) }
        return try written()
    }

    func written() throws -> String {
        var out = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { out += String(buffer: buffer) }
        }
        return out
    }

    func advance(by amount: TimeAmount) {
        channel.embeddedEventLoop.advanceTime(by: amount)
    }
}

/// The access records a gateway logged, in order.
final class AccessRecords: Sendable {
    private let records = Mutex<[AccessRecord]>([])

    func append(_ record: AccessRecord) { records.withLock { $0.append(record) } }
    var all: [AccessRecord] { records.withLock { $0 } }
}

struct AccessRecordHandler: LogHandler {
    let records: AccessRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if let record = AccessLog.record(in: event.metadata) { records.append(record) }
    }
}

/// One raw HTTP/1.1 answer cut out of the bytes a connection wrote.
struct RawAnswer {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The answers in `raw`, in order: framing by Content-Length (every gateway answer but an
    /// event stream has one).
    static func parse(_ raw: String) -> [RawAnswer] {
        var answers: [RawAnswer] = []
        var rest = Substring(raw)
        while let headEnd = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<headEnd.lowerBound].components(separatedBy: "\r\n")
            guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
                  let status = Int(statusLine.dropFirst(9).prefix(3)) else { break }
            let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            rest = rest[headEnd.upperBound...]
            var answer = RawAnswer(status: status, headers: headers, body: "")
            if status == 100 { continue }
            let length = answer.header("Content-Length").flatMap(Int.init) ?? 0
            let bodyBytes = Array(rest.utf8.prefix(length))
            answer.body = String(decoding: bodyBytes, as: UTF8.self)
            rest = Substring(String(decoding: rest.utf8.dropFirst(bodyBytes.count), as: UTF8.self))
            answers.append(answer)
        }
        return answers
    }
}
