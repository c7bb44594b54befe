import GatherCore
import NIOCore
import NIOHTTP1
import Testing
@testable import GatherServer

/// The connection's behaviour, byte for byte, on an `EmbeddedChannel` with a manual clock.
@Suite("GatewayHandler: client limits, keep-alive, pipelining, HEAD")
struct GatewayHandlerTests {
    private func limits(_ change: (inout ClientLimits) -> Void) -> ClientLimits {
        var limits = ClientLimits()
        change(&limits)
        return limits
    }

    @Test("a request target over the limit: 414 with Connection: close and an X-Request-Id, then closed")
    func targetTooLong() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.maxRequestLineBytes = 64 })
        // No route has this path: without the limit it would be a 404 (and no transfer starts
        // on the embedded loop).
        let answers = RawAnswer.parse(try bed.exchange("GET /\(String(repeating: "a", count: 64)) HTTP/1.1\r\nHost: t\r\n\r\n"))
        #expect(answers.map(\.status) == [414])
        #expect(answers.first?.header("Connection") == "close")
        #expect(answers.first?.body == #"{"error":"request target is longer than 64 bytes"}"#)
        #expect(answers.first?.header("X-Request-Id")?.count == 32)
        #expect(!bed.channel.isActive)
        #expect(bed.log.all.map(\.status) == [414])
        #expect(bed.log.all.first?.method == "GET")
    }

    @Test("a target exactly at the limit is served")
    func targetAtLimit() throws {
        let target = "/" + String(repeating: "a", count: 63)  // 64 bytes
        let bed = try ConnectionTestbed(limits: limits { $0.maxRequestLineBytes = 64 })
        let answers = RawAnswer.parse(try bed.exchange("GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n"))
        #expect(answers.map(\.status) == [404])
    }

    @Test("headers over the limit: 431, then closed")
    func headersTooLarge() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.maxHeaderBytes = 256 })
        let answers = RawAnswer.parse(try bed.exchange(
            "GET /search HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n"))
        #expect(answers.map(\.status) == [431])
        #expect(answers.first?.header("X-Request-Id")?.count == 32)
        #expect(!bed.channel.isActive)
    }

    @Test("a declared body over the limit: 413 before any of it is read")
    func declaredBodyTooLarge() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.maxBodyBytes = 16 })
        let answers = RawAnswer.parse(try bed.exchange("POST /submit HTTP/1.1\r\nHost: t\r\nContent-Length: 32\r\n\r\n"))
        #expect(answers.map(\.status) == [413])
        #expect(!bed.channel.isActive)
    }

    @Test("a chunked body that grows over the limit: 413, then closed")
    func chunkedBodyTooLarge() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.maxBodyBytes = 16 })
        var raw = try bed.exchange("POST /submit HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n")
        #expect(raw.isEmpty, "10 bytes are within the limit")
        raw = try bed.exchange("a\r\n0123456789\r\n0\r\n\r\n")
        #expect(RawAnswer.parse(raw).map(\.status) == [413])
        #expect(!bed.channel.isActive)
    }

    @Test("a body within the limit reaches the route (a 400 for its missing template value, not a 413)")
    func bodyWithinLimit() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.maxBodyBytes = 16 })
        let answers = RawAnswer.parse(try bed.exchange("POST /submit HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\n\r\n0123456789abcdef"))
        #expect(answers.map(\.status) == [400])
        #expect(bed.log.all.first?.route == "submit")
    }

    @Test("Expect: 100-continue gets 100 Continue before the answer")
    func expectContinue() throws {
        let bed = try ConnectionTestbed()
        let raw = try bed.exchange("POST /submit HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(raw.hasPrefix("HTTP/1.1 100 Continue\r\n"))
        #expect(RawAnswer.parse(try bed.exchange("ok")).map(\.status) == [400])
    }

    @Test("a client that sends no complete head within the header timeout is closed")
    func slowHead() throws {
        let bed = try ConnectionTestbed(limits: limits { $0.headerTimeout = .seconds(10) })
        try bed.exchange("GET /sea")
        bed.advance(by: .milliseconds(9_999))
        #expect(bed.channel.isActive)
        bed.advance(by: .milliseconds(1))
        #expect(!bed.channel.isActive)
    }

    @Test("between requests a keep-alive connection waits the idle timeout, not the header timeout")
    func idleTimeout() throws {
        let bed = try ConnectionTestbed(limits: limits {
            $0.headerTimeout = .seconds(10)
            $0.keepAliveIdle = .seconds(60)
        })
        bed.advance(by: .seconds(5))
        #expect(RawAnswer.parse(try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")).map(\.status) == [404])
        bed.advance(by: .seconds(59))
        #expect(bed.channel.isActive)
        bed.advance(by: .seconds(1))
        #expect(!bed.channel.isActive)
    }

    @Test("keep-alive: request after request on one connection, none with Connection: close")
    func keepAlive() throws {
        let bed = try ConnectionTestbed()
        for _ in 0..<3 {
            let answers = RawAnswer.parse(try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"))
            #expect(answers.map(\.status) == [404])
            #expect(answers.first?.header("Connection") == nil)
            #expect(bed.channel.isActive)
        }
        #expect(bed.log.all.count == 3)
    }

    @Test("Connection: close (and HTTP/1.0 without keep-alive) is answered with close, then closed")
    func connectionClose() throws {
        for request in ["GET /nothing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", "GET /nothing HTTP/1.0\r\n\r\n"] {
            let bed = try ConnectionTestbed()
            let answers = RawAnswer.parse(try bed.exchange(request).replacingOccurrences(of: "HTTP/1.0 ", with: "HTTP/1.1 "))
            #expect(answers.map(\.status) == [404])
            #expect(answers.first?.header("Connection") == "close")
            #expect(!bed.channel.isActive)
        }
    }

    @Test("pipelined requests in one write are answered in order; what follows a close is dropped")
    func pipeliningOrder() throws {
        let bed = try ConnectionTestbed()
        let raw = try bed.exchange(
            "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /search HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                + "GET /search HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")
        let answers = RawAnswer.parse(raw)
        #expect(answers.map(\.status) == [404, 405, 400])
        #expect(answers.dropFirst().first?.header("Allow") == "GET")
        #expect(!bed.channel.isActive)
    }

    @Test("malformed HTTP behind a good request: answered after it with 400 and an X-Request-Id, then closed")
    func malformedInTurn() throws {
        let bed = try ConnectionTestbed()
        let raw = try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        let answers = RawAnswer.parse(raw)
        #expect(answers.map(\.status) == [404, 400])
        let id = answers.last?.header("X-Request-Id")
        #expect(id?.count == 32)
        #expect(!bed.channel.isActive)
        let records = bed.log.all
        #expect(records.map(\.status) == [404, 400])
        #expect(records.last?.method == "-", "a request that did not parse has no method")
        #expect(records.last?.requestID == id)
    }

    @Test("while draining, answers carry Connection: close and the connection closes")
    func draining() throws {
        let bed = try ConnectionTestbed()
        #expect(RawAnswer.parse(try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")).first?.header("Connection") == nil)
        bed.context.health.startDraining()
        let answers = RawAnswer.parse(try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"))
        #expect(answers.first?.header("Connection") == "close")
        #expect(!bed.channel.isActive)
    }

    @Test("HEAD takes the GET route (a 400 for its missing template value, not a 405), without a body")
    func headUsesGetRoute() throws {
        let bed = try ConnectionTestbed()
        let get = RawAnswer.parse(try bed.exchange("GET /search HTTP/1.1\r\nHost: t\r\n\r\n"))
        let raw = try bed.exchange("HEAD /search HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(raw.hasSuffix("\r\n\r\n"), "no body after the head")
        let head = RawAnswer.parse(raw)
        #expect(head.map(\.status) == [400])
        #expect(head.first?.header("Content-Length") == get.first?.header("Content-Length"))
        #expect(bed.log.all.last?.route == "search")
        #expect(bed.log.all.last?.method == "HEAD")
        // A route that declares HEAD keeps it.
        _ = try bed.exchange("HEAD /probe HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(bed.log.all.last?.route == "probe")
        // The connection goes on: the next answer is framed right.
        #expect(RawAnswer.parse(try bed.exchange("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n")).map(\.status) == [404])
    }

    @Test("the drain's quiesce event closes an idle connection after a 250ms linger")
    func quiesceClosesIdle() throws {
        let bed = try ConnectionTestbed()
        #expect(RawAnswer.parse(try bed.exchange("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")).map(\.status) == [404])
        #expect(bed.channel.isActive, "kept alive between requests")
        bed.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        bed.advance(by: .milliseconds(249))
        #expect(bed.channel.isActive, "lingering")
        bed.advance(by: .milliseconds(1))
        #expect(!bed.channel.isActive)
    }

    @Test("a request that arrives in the linger is served, with Connection: close, then the connection closes")
    func quiesceServesALateRequest() throws {
        let bed = try ConnectionTestbed()
        bed.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        bed.advance(by: .milliseconds(100))
        let answers = RawAnswer.parse(try bed.exchange("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"))
        #expect(answers.map(\.status) == [404])
        #expect(answers.first?.header("Connection") == "close")
        #expect(!bed.channel.isActive)
    }

    @Test("quiesced while a request is received: it is answered, with Connection: close, then the connection closes")
    func quiesceFinishesTheRequest() throws {
        let bed = try ConnectionTestbed()
        #expect(try bed.exchange("POST /submit HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n").isEmpty)
        bed.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(bed.channel.isActive, "the request whose body is on its way is not cut")
        let answers = RawAnswer.parse(try bed.exchange("ok"))
        #expect(answers.map(\.status) == [400], "the route's answer (its template value is missing)")
        #expect(answers.first?.header("Connection") == "close")
        #expect(!bed.channel.isActive)
    }
}
