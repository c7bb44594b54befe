import GatherCore
import NIOHTTP1

/// The raw bytes fixtures write. The handler writes bytes itself (not through NIO's response
/// encoder) because faults such as garbage, truncation and drip must break HTTP on purpose.
enum FixtureResponseBytes {
    static func head(status: Int, contentType: String, contentLength: Int, keepAlive: Bool, backend: String,
                     extraHeaders: [(String, String)] = []) -> [UInt8] {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var text = "HTTP/1.1 \(status) \(reason)\r\n"
        text += "Content-Type: \(contentType)\r\n"
        text += "Content-Length: \(contentLength)\r\n"
        text += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        text += "X-Fixture-Backend: \(backend)\r\n"
        for (name, value) in extraHeaders { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    static func errorBody(_ message: String, status: Int, backend: String) -> [UInt8] {
        JSONValue.object(.init([
            ("error", .string(message)), ("status", .int(Int64(status))), ("backend", .string(backend)),
        ])).serialized()
    }

    /// `{"padding":"xxx…"}` of exactly `size` bytes, so it is still valid JSON (bare x's below 14 bytes).
    static func oversizedBody(size: Int) -> [UInt8] {
        let prefix = Array(#"{"padding":""#.utf8), suffix = Array(#""}"#.utf8)
        guard size >= prefix.count + suffix.count else { return [UInt8](repeating: UInt8(ascii: "x"), count: max(size, 0)) }
        var bytes = prefix
        bytes.reserveCapacity(size)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: size - prefix.count - suffix.count))
        bytes.append(contentsOf: suffix)
        return bytes
    }

    /// A TLS alert followed by text and binary noise: nothing an HTTP parser can accept.
    static let garbage: [UInt8] = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x50]
        + Array("SSH-2.0-fixture this is not HTTP\r\n\r\n".utf8) + [0x00, 0xFF, 0xFE, 0x7F]
}
