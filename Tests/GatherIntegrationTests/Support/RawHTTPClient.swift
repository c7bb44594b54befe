import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback client that writes exactly the bytes a test gives it, for requests no
/// well-behaved client library would send (malformed, oversized, slow).
struct RawHTTPClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int

    /// Sends `bytes`, then reads until the server closes or `timeout` passes; returns what came back.
    func exchange(_ bytes: [UInt8], timeout: Double = 5, closeWriteAfterSending: Bool = false) throws -> String {
        String(decoding: try exchangeBytes(bytes, timeout: timeout, closeWriteAfterSending: closeWriteAfterSending),
               as: UTF8.self)
    }

    /// `exchange`, returning the bytes as they came (for bodies that are not text, such as gzip).
    func exchangeBytes(_ bytes: [UInt8], timeout: Double = 5, closeWriteAfterSending: Bool = false) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect failed: \(errno)") }
        var timeval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
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

    func exchange(_ text: String, timeout: Double = 5) throws -> String {
        try exchange(Array(text.utf8), timeout: timeout)
    }
}
