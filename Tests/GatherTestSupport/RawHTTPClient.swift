import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deliberately dumb blocking HTTP/1.1 client over a POSIX socket on 127.0.0.1, so tests see
/// exactly what a server put on the wire (resets, garbage, truncation, framing) and can send what
/// no well-behaved client library would (malformed, oversized, slow requests).
///
/// Two ways to use it: `exchange` opens a fresh connection per call, writes the bytes given and
/// reads until the server closes or the timeout passes; `send`/`get`/`readResponse`/`readToEnd`
/// share one connection, opened at first use.
public final class RawHTTPClient {
    public struct Response {
        public var status: Int
        public var headers: [String: String]   // lower-cased names
        public var body: [UInt8]
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    public enum ReadEnd: Equatable { case closed, reset, timedOut }

    public struct ClientError: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    private let timeoutSeconds: Int
    private var connection: Int32?
    private var buffered: [UInt8] = []

    public init(port: Int, timeoutSeconds: Int = 5) {
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit {
        if let connection { close(connection) }
    }

    // MARK: One exchange per connection

    /// Sends `text` on a fresh connection, then reads until the server closes or `timeout` passes.
    public func exchange(_ text: String, timeout: Double = 5) throws -> String {
        try exchange(Array(text.utf8), timeout: timeout)
    }

    public func exchange(_ bytes: [UInt8], timeout: Double = 5, closeWriteAfterSending: Bool = false) throws -> String {
        String(decoding: try exchangeBytes(bytes, timeout: timeout, closeWriteAfterSending: closeWriteAfterSending),
               as: UTF8.self)
    }

    /// `exchange`, returning the bytes as they came (for bodies that are not text, such as gzip).
    public func exchangeBytes(_ bytes: [UInt8], timeout: Double = 5, closeWriteAfterSending: Bool = false) throws -> [UInt8] {
        let fd = try Self.connect(port: port, timeout: timeout)
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Self.systemSend(fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }  // the server may close early (413): read what it said
            sent += written
        }
        if closeWriteAfterSending { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return received
    }

    // MARK: One shared connection

    public func send(_ text: String) throws {
        let fd = try shared()
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Self.systemSend(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    public func get(_ path: String, headers: [String: String] = [:]) throws -> Response {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try send(request + "\r\n")
        return try readResponse()
    }

    /// Reads one response with a Content-Length body.
    public func readResponse() throws -> Response {
        let fd = try shared()
        while findHeaderEnd() == nil {
            guard case nil = readMore(fd) else { throw ClientError(description: "connection ended before the headers") }
        }
        let end = findHeaderEnd()!
        let headText = String(decoding: buffered[0..<end], as: UTF8.self)
        buffered.removeFirst(end + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw ClientError(description: "not an HTTP status line: \(headText.prefix(40))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffered.count < length {
            if let end = readMore(fd) { throw ClientError(description: "body ended early (\(end)) after \(buffered.count) of \(length) bytes") }
        }
        let body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Reads everything until the peer closes; says how the connection ended.
    public func readToEnd() throws -> (bytes: [UInt8], end: ReadEnd) {
        let fd = try shared()
        while true {
            if let end = readMore(fd) {
                let bytes = buffered
                buffered = []
                return (bytes, end)
            }
        }
    }

    /// The shared connection's pending socket error (SO_ERROR, then cleared): ECONNRESET or
    /// EPIPE once the peer has answered with RST, which a `recv` after the peer's FIN no longer
    /// reports (it returns the end of stream first). 0 when there is none.
    public func pendingSocketError() throws -> Int32 {
        let fd = try shared()
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }

    private func shared() throws -> Int32 {
        if let connection { return connection }
        let fd = try Self.connect(port: port, timeout: Double(timeoutSeconds))
        connection = fd
        return fd
    }

    /// nil while data arrived; otherwise how the stream ended.
    private func readMore(_ fd: Int32) -> ReadEnd? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffered += chunk[0..<n]
            return nil
        }
        if n == 0 { return .closed }
        if errno == ECONNRESET { return .reset }
        return .timedOut
    }

    private func findHeaderEnd() -> Int? {
        guard buffered.count >= 4 else { return nil }
        for index in 0...(buffered.count - 4)
        where buffered[index] == 13 && buffered[index + 1] == 10 && buffered[index + 2] == 13 && buffered[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func connect(port: Int, timeout: Double) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ClientError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else {
            close(fd)
            throw ClientError(description: "connect to port \(port) failed: errno \(errno)")
        }
        var timeval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private static func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        #else
        return Darwin.send(fd, bytes, count, 0)
        #endif
    }
}
