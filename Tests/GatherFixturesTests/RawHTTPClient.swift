import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deliberately dumb blocking HTTP/1.1 client over a POSIX socket, so the tests see exactly what
/// the fixture put on the wire (resets, garbage, truncation) with no client library smoothing it over.
final class RawHTTPClient {
    struct Response {
        var status: Int
        var headers: [String: String]   // lower-cased names
        var body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum ReadEnd: Equatable { case closed, reset, timedOut }

    struct ClientError: Error, CustomStringConvertible { var description: String }

    private let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 5) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ClientError(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ClientError(description: "connect to port \(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Self.systemSend(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> Response {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try send(request + "\r\n")
        return try readResponse()
    }

    /// Reads one response with a Content-Length body.
    func readResponse() throws -> Response {
        while findHeaderEnd() == nil {
            guard case nil = readMore() else { throw ClientError(description: "connection ended before the headers") }
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
            if let end = readMore() { throw ClientError(description: "body ended early (\(end)) after \(buffered.count) of \(length) bytes") }
        }
        let body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Reads everything until the peer closes; says how the connection ended.
    func readToEnd() -> (bytes: [UInt8], end: ReadEnd) {
        while true {
            if let end = readMore() {
                let bytes = buffered
                buffered = []
                return (bytes, end)
            }
        }
    }

    /// nil while data arrived; otherwise how the stream ended.
    private func readMore() -> ReadEnd? {
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

    private static func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        #else
        return Darwin.send(fd, bytes, count, 0)
        #endif
    }

    private func findHeaderEnd() -> Int? {
        guard buffered.count >= 4 else { return nil }
        for index in 0...(buffered.count - 4)
        where buffered[index] == 13 && buffered[index + 1] == 10 && buffered[index + 2] == 13 && buffered[index + 3] == 10 {
            return index
        }
        return nil
    }
}
