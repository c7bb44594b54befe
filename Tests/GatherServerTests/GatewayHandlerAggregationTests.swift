import GatherCore
import GatherCurl
import GatherFixtures
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import GatherServer

/// The connection while a real aggregation runs: a fixture upstream on a socket, the real
/// transfer engine, and the handler on an `NIOAsyncTestingChannel` (whose loop, unlike
/// `EmbeddedEventLoop`, takes the transfer threads' completions from other threads).
@Suite("GatewayHandler with an aggregation in flight")
struct GatewayHandlerAggregationTests {
    private final class Bed {
        let channel = NIOAsyncTestingChannel()
        let fixtures: FixtureServer
        let engine = TransferEngine(threads: 1)
        let context: GatewayContext
        let log = AccessRecords()

        init(path: FixturePath) async throws {
            fixtures = try await FixtureServer.start(FixtureSet(backends: [FixtureBackend(name: "a", paths: [path])]),
                                                     ephemeralPorts: true)
            let port = fixtures.port(of: "a")!
            let parsed = RouteLoader.parse(text: """
                routes:
                  - name: search
                    match: { method: GET, path: /search }
                    deadline: 5s
                    upstreams:
                      - { name: a, url: "http://127.0.0.1:\(port)/search?q={query.q}" }
                    merge: { items: /results }
                """, file: "test.yaml", environment: [:])
            let metrics = GatewayMetrics()
            let records = log
            context = GatewayContext(
                routes: RouteRegistry(routes: parsed.routes, metrics: metrics), engine: engine,
                lanes: LoopLanes(engine: engine, group: channel.testingEventLoop), limits: ClientLimits(),
                admission: Admission(limit: 100),
                logger: Logger(label: "test") { _ in AccessRecordHandler(records: records) }, metrics: metrics)
            let channel = channel, context = context
            try await channel.testingEventLoop.executeInContext {
                try GatewayServer.addConnectionHandlers(to: channel.pipeline.syncOperations, context: context)
            }
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        }

        func send(_ text: String) async throws {
            try await channel.writeInbound(ByteBuffer(string: text))
        }

        /// Reads what the gateway writes until `count` answers are complete (at most 5 s).
        func answers(_ count: Int) async throws -> [RawAnswer] {
            var raw = ""
            for _ in 0..<500 {
                // Work the loop gave itself (the transfer lane's flush) runs only when asked.
                await channel.testingEventLoop.run()
                while let data = try await channel.readOutbound(as: IOData.self) {
                    if case .byteBuffer(let buffer) = data { raw += String(buffer: buffer) }
                }
                let answers = RawAnswer.parse(raw)
                if answers.count >= count { return answers }
                try await Task.sleep(for: .milliseconds(10))
            }
            return RawAnswer.parse(raw)
        }

        func stop() async throws {
            _ = try? await channel.finish()
            engine.shutdown()
            try await fixtures.shutdown()
        }
    }

    private static let results = FixtureBody.bytes(Array(#"{"results":[{"url":"https://a.example/1"}]}"#.utf8))

    @Test("a client that leaves before its answer: the call is abandoned, its slot given back, a 499 logged")
    func clientLeaves() async throws {
        let bed = try await Bed(path: FixturePath(path: "/search", body: Self.results,
                                                  stall: FixtureStall(rate: 1, duration: .seconds(10))))
        try await bed.send("GET /search?q=x HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(bed.context.admission.current == 1)
        try await bed.channel.close()
        #expect(bed.context.admission.current == 0)
        let records = bed.log.all
        #expect(records.map(\.status) == [499])
        #expect(records.first?.route == "search")
        try await bed.stop()
    }

    @Test("a request pipelined behind an aggregating one waits for its answer, then is answered")
    func pipelinedBehindAggregation() async throws {
        let bed = try await Bed(path: FixturePath(path: "/search", body: Self.results, latency: .fixed(.milliseconds(50))))
        try await bed.send("GET /search?q=x HTTP/1.1\r\nHost: t\r\n\r\nGET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
        let answers = try await bed.answers(2)
        #expect(answers.map(\.status) == [200, 404])
        #expect(answers.first?.body.contains("https://a.example/1") == true)
        #expect(bed.log.all.map(\.status) == [200, 404])
        try await bed.stop()
    }

    @Test("HEAD on a GET route: the same aggregated answer's status and headers, no body")
    func headAggregates() async throws {
        let bed = try await Bed(path: FixturePath(path: "/search", body: Self.results))
        try await bed.send("GET /search?q=x HTTP/1.1\r\nHost: t\r\n\r\n")
        let get = try await bed.answers(1)
        try await bed.send("HEAD /search?q=x HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try await bed.answers(1)
        #expect(get.map(\.status) == [200])
        #expect(head.map(\.status) == [200])
        #expect(head.first?.body == "")
        // The same headers; their values differ only by timings (the envelope's `ms`, Server-Timing).
        #expect(head.first?.headers.map { $0.0 } == get.first?.headers.map { $0.0 })
        #expect((head.first?.header("Content-Length").flatMap(Int.init) ?? 0) > 100, "the GET answer's length")
        #expect(head.first?.header("Gather-Partial") == "false")
        try await bed.stop()
    }
}
