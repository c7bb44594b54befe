import Foundation
import GatherTestSupport

/// Debian's `curl` as the client: it negotiates HTTP/2 by ALPN (`--http2`) or stays on HTTP/1.1
/// (`--http1.1`), so what is tested is what real clients speak.
enum CurlCommand {
    struct Response {
        var status: Int
        /// "2" or "1.1", as curl's `%{http_version}` says.
        var version: String
        /// Lower-cased names.
        var headers: [String: String]
        var body: String { String(decoding: bodyBytes, as: UTF8.self) }
        var bodyBytes: [UInt8]
        var stderr: String
    }

    static func run(_ url: String, _ arguments: [String]) async throws -> Response {
        let folder = NSTemporaryDirectory() + "gather-curl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await ChildProcess.run(
            "/usr/bin/curl",
            ["-sS", "--max-time", "10", "-D", folder + "/headers", "-o", folder + "/body",
             "-w", "%{http_code} %{http_version}"] + arguments + [url],
            within: .seconds(20))
        let written = result.stdoutText
        let stderr = result.stderrText
        let fields = written.split(separator: " ")
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: folder + "/headers", encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/body"))).map { Array($0) } ?? []
        return Response(status: fields.first.flatMap { Int($0) } ?? 0, version: fields.count > 1 ? String(fields[1]) : "",
                        headers: headers, bodyBytes: body, stderr: stderr)
    }
}
