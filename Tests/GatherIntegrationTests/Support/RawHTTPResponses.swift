import Foundation
import GatherTestSupport

/// HTTP/1.1 responses read back from the bytes of a `RawHTTPClient` exchange, in order: the
/// framing the gateway really wrote (Content-Length or chunked), bodies as bytes.
struct RawHTTPResponse {
    let status: Int
    /// Names lowercased, in the order sent.
    let headers: [(String, String)]
    /// As framed on the wire: still gzip when the response was; chunked bodies de-chunked.
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0 == name.lowercased() }?.1
    }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.0 == name.lowercased() }.map(\.1)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Every response in `bytes`. `bodiless` holds the indexes of answers to HEAD requests: they
    /// carry a Content-Length but no body.
    static func parseAll(_ bytes: [UInt8], bodiless: Set<Int> = []) throws -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var index = 0
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while index < bytes.count {
            guard let headEnd = find(separator, in: bytes, from: index) else {
                throw Malformed(description: "incomplete head at byte \(index)")
            }
            let headText = String(decoding: bytes[index..<headEnd], as: UTF8.self)
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            guard statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
                throw Malformed(description: "bad status line \(statusLine)")
            }
            let headers: [(String, String)] = lines.compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            index = headEnd + separator.count
            var body: [UInt8] = []
            let response = { RawHTTPResponse(status: status, headers: headers, body: body) }
            if status < 200 {  // 100 Continue: the final answer follows
                responses.append(response())
                continue
            }
            if bodiless.contains(responses.count) {
                responses.append(response())
                continue
            }
            if headers.contains(where: { $0.0 == "transfer-encoding" && $0.1.lowercased() == "chunked" }) {
                while true {
                    guard let lineEnd = find(Array("\r\n".utf8), in: bytes, from: index),
                          let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) else {
                        throw Malformed(description: "bad chunk size at byte \(index)")
                    }
                    index = lineEnd + 2
                    if size == 0 {
                        index += 2
                        break
                    }
                    body += bytes[index..<min(index + size, bytes.count)]
                    index += size + 2
                }
            } else if let length = headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }) {
                guard index + length <= bytes.count else {
                    throw Malformed(description: "body shorter than Content-Length \(length)")
                }
                body = Array(bytes[index..<index + length])
                index += length
            }
            responses.append(response())
        }
        return responses
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for position in start...(bytes.count - needle.count) where bytes[position] == needle[0] {
            if Array(bytes[position..<position + needle.count]) == needle { return position }
        }
        return nil
    }
}

/// The system's `gzip -d` (Debian's gzip, which `scripts/ensure-deps` installs): a decoder that
/// shares no code with the encoder under test.
enum Gunzip {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ compressed: [UInt8]) async throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gather-gunzip-\(UUID().uuidString).gz")
        try Data(compressed).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run("/usr/bin/env", ["gzip", "-dc", file.path])
        guard result.status == 0 else {
            throw Failed(description: "gzip -d: \(result.stderrText)")
        }
        return result.stdout
    }
}
