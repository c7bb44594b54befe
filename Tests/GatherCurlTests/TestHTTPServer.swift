import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 keep-alive server on 127.0.0.1 for the engine tests: one thread
/// per connection, behaviour chosen by path. Counts accepted connections and, for `/hang`,
/// requests seen and connections the client closed.
///
/// Paths: /json · /echo (method, path, headers, body as JSON) · /stall?ms=N · /hang (never
/// answers; reads until EOF) · /reset (RST) · /garbage (not HTTP) · /bad-status ·
/// /big-declared?n=N · /big-chunked?n=N · /short (closes mid-body) · /excess (more than
/// declared) · /status/503 · /interim (103 then 200).
///
/// Raw sockets rather than NIO (GatherTestSupport's `TestUpstream`): the engine must meet bytes
/// no HTTP encoder would write (garbage, a reset, a body cut short), and its tests stay free of NIO.
final class TestHTTPServer: Sendable {
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    let port: UInt16
    private let listenFD: Int32
    private struct State {
        var acceptedCount = 0
        var hangRequestCount = 0
        var hangClosedCount = 0
        var clientFDs = Set<Int32>()
        var stopped = false
    }

    private let state = Mutex(State())

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw StartError(description: "socket: \(errno)")
        }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 256) == 0 else {
            close(fd)
            throw StartError(description: "bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listenFD = fd
        port = UInt16(bigEndian: address.sin_port)
        let acceptor = Thread { [self] in acceptLoop() }
        acceptor.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var accepted: Int { state.withLock { state in state.acceptedCount } }
    var hangRequests: Int { state.withLock { state in state.hangRequestCount } }
    var hangClosed: Int { state.withLock { state in state.hangClosedCount } }

    /// Polls `condition` until it holds or `seconds` pass.
    func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() {
                return true
            }
            usleep(5_000)
        }
        return condition()
    }

    func stop() {
        let open: Set<Int32> = state.withLock { state in
            state.stopped = true
            return state.clientFDs
        }
        shutdown(listenFD, Int32(SHUT_RDWR))
        for fd in open {
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    // MARK: connections

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR {
                    continue
                }
                break
            }
            let keep: Bool = state.withLock { state in
                guard !state.stopped else {
                    return false
                }
                state.acceptedCount += 1
                state.clientFDs.insert(fd)
                return true
            }
            guard keep else {
                close(fd)
                break
            }
            let worker = Thread { [self] in serve(fd) }
            worker.stackSize = 256 * 1024
            worker.start()
        }
        close(listenFD)
    }

    private func serve(_ fd: Int32) {
        var connection = Connection(fd: fd)
        while let request = connection.readRequest() {
            if !respond(to: request, on: &connection) {
                break
            }
        }
        state.withLock { state in _ = state.clientFDs.remove(fd) }
        close(fd)
    }

    /// False when the connection must close afterwards.
    private func respond(to request: Request, on connection: inout Connection) -> Bool {
        let path = request.path
        let query = request.query
        switch path {
        case "/json":
            connection.send(response(status: "200 OK", headers: [("Content-Type", "application/json"), ("X-Test", "yes")],
                                     body: Array("{\"ok\":true}".utf8)))
        case "/echo":
            var headerObject: [String: String] = [:]
            for (name, value) in request.headers {
                let key = name.lowercased()
                headerObject[key] = headerObject[key].map { $0 + ", " + value } ?? value
            }
            let echo: [String: Any] = [
                "method": request.method, "path": request.target, "headers": headerObject,
                "body": String(decoding: request.body, as: UTF8.self),
            ]
            let body = (try? JSONSerialization.data(withJSONObject: echo, options: [.sortedKeys])).map { Array($0) } ?? []
            connection.send(response(status: "200 OK", headers: [("Content-Type", "application/json")], body: body))
        case "/stall":
            usleep(UInt32(max(0, Int(query["ms"] ?? "") ?? 0)) * 1000)
            connection.send(response(status: "200 OK", headers: [("Content-Type", "application/json")],
                                     body: Array("{\"stalled\":true}".utf8)))
        case "/hang":
            state.withLock { state in state.hangRequestCount += 1 }
            connection.readUntilClosed()
            state.withLock { state in state.hangClosedCount += 1 }
            return false
        case "/reset":
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return false
        case "/garbage":
            connection.send(Array("SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP at all\r\n\r\n".utf8))
            return false
        case "/bad-status":
            connection.send(Array("HTTP/1.1 2x0 Nope\r\nContent-Length: 0\r\n\r\n".utf8))
            return false
        case "/big-declared":
            let size = Int(query["n"] ?? "") ?? 0
            connection.send(response(status: "200 OK", headers: [("Content-Type", "application/octet-stream")],
                                     body: [UInt8](repeating: UInt8(ascii: "x"), count: size)))
        case "/big-chunked":
            let size = Int(query["n"] ?? "") ?? 0
            var head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            connection.send(head)
            var left = size
            while left > 0 {
                let piece = min(left, 16_384)
                head = Array((String(piece, radix: 16) + "\r\n").utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: piece) + Array("\r\n".utf8)
                if !connection.send(head) {
                    return false
                }
                left -= piece
            }
            connection.send(Array("0\r\n\r\n".utf8))
        case "/short":
            connection.send(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly ten..".utf8))
            return false
        case "/excess":
            connection.send(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA".utf8))
            return false
        case "/status/503":
            connection.send(response(status: "503 Service Unavailable", headers: [("Content-Type", "application/json")],
                                     body: Array("{\"error\":\"unavailable\"}".utf8)))
        case "/interim":
            connection.send(Array("HTTP/1.1 103 Early Hints\r\nX-Interim: 1\r\nLink: </a.css>\r\n\r\n".utf8))
            connection.send(response(status: "200 OK", headers: [("X-Final", "1")], body: Array("done".utf8)))
        default:
            connection.send(response(status: "404 Not Found", headers: [], body: []))
        }
        return true
    }

    private func response(status: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var text = "HTTP/1.1 \(status)\r\n"
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }
}

extension TestHTTPServer {
    struct Request {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]

        var path: String {
            String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        }

        var query: [String: String] {
            let parts = target.split(separator: "?", maxSplits: 1)
            guard parts.count == 2 else {
                return [:]
            }
            var result: [String: String] = [:]
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                result[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            return result
        }
    }

    struct Connection {
        let fd: Int32
        private var buffer: [UInt8] = []

        init(fd: Int32) {
            self.fd = fd
        }

        /// Nil on EOF, error or a request it cannot parse.
        mutating func readRequest() -> Request? {
            var headEnd: Int? = nil
            while true {
                headEnd = Connection.find(Array("\r\n\r\n".utf8), in: buffer)
                if headEnd != nil {
                    break
                }
                guard fill() else {
                    return nil
                }
            }
            guard let headEnd else {
                return nil
            }
            let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
            buffer.removeFirst(headEnd + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count == 3 else {
                return nil
            }
            var headers: [(String, String)] = []
            var length = 0
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else {
                    continue
                }
                let name = String(line[..<colon])
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.append((name, value))
                if name.lowercased() == "content-length" {
                    length = Int(value) ?? 0
                }
            }
            while buffer.count < length {
                guard fill() else {
                    return nil
                }
            }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        }

        mutating func readUntilClosed() {
            while fill() {}
        }

        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 {
                    if sent < 0, errno == EINTR {
                        continue
                    }
                    return false
                }
                offset += sent
            }
            return true
        }

        private mutating func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if got < 0, errno == EINTR {
                    continue
                }
                guard got > 0 else {
                    return false
                }
                buffer.append(contentsOf: chunk[0..<got])
                return true
            }
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else {
                return nil
            }
            for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
                if Array(haystack[start..<(start + needle.count)]) == needle {
                    return start
                }
            }
            return nil
        }
    }
}

/// A port nothing listens on: bound, then closed.
func refusedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    close(fd)
    return UInt16(bigEndian: address.sin_port)
}
