import Foundation
import GatherTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real nginx (Debian's, with its ssl and http2 modules and the brotli filter) started for one
/// test on 127.0.0.1 and ports chosen free, serving `www` from its own temporary folder, and
/// logging one line per request (`$connection`, `$ssl_session_reused`, `$server_protocol`,
/// `$ssl_server_name`, `$status`, `$request_uri`, `$http_accept_encoding`,
/// `$sent_http_content_encoding`, `|`-separated).
final class NginxUpstream: Sendable {
    /// One `server` block; its `listen` line gets a free port.
    struct Server {
        var name: String
        /// `ssl`, `ssl http2`, `http2` (h2c) or "" (plain HTTP/1.1).
        var listen: String
        /// Extra directives inside the server block.
        var directives: String = ""
    }

    struct LogLine {
        var connection: Int
        var sessionReused: Bool
        var protocolName: String
        var serverName: String
        var status: Int
        var uri: String
        var acceptEncoding: String
        /// What nginx sent as Content-Encoding ("-" for none).
        var contentEncoding: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: String
    let ports: [String: Int]
    private let exit: ChildProcess.Exit

    var www: String { folder + "/www" }

    private init(folder: String, ports: [String: Int], exit: ChildProcess.Exit) {
        self.folder = folder
        self.ports = ports
        self.exit = exit
    }

    func port(_ server: String) -> Int { ports[server] ?? 0 }

    static func start(_ servers: [Server], files: [String: [UInt8]]) async throws -> NginxUpstream {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            throw Failure(description: "nginx is not installed (scripts/ensure-deps installs it)")
        }
        var lastError = ""
        // A port found free can be taken before nginx binds it: then try other ports.
        for _ in 0..<3 {
            let folder = NSTemporaryDirectory() + "gather-nginx-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder + "/www", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder + "/tmp", withIntermediateDirectories: true)
            for (path, bytes) in files {
                let file = folder + "/www/" + path
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: file))
            }
            var ports: [String: Int] = [:]
            for server in servers { ports[server.name] = try freePort() }
            try config(servers, ports: ports, folder: folder).write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
            // nginx in the foreground with its master process: the master sets its own signal
            // mask (a single-process nginx would keep the blocked signals it inherits, and
            // never see SIGTERM).
            let exit = try ChildProcess.start("/usr/sbin/nginx",
                                              ["-p", folder, "-c", folder + "/nginx.conf", "-e", folder + "/error.log"])
            let nginx = NginxUpstream(folder: folder, ports: ports, exit: exit)
            if await nginx.waitUntilListening() { return nginx }
            lastError = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "no error log"
            nginx.stop()
        }
        throw Failure(description: "nginx did not start: \(lastError)")
    }

    private static func config(_ servers: [Server], ports: [String: Int], folder: String) -> String {
        var text = """
            worker_processes 1;
            daemon off;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;
            events { worker_connections 1024; }
            http {
              log_format gather '$connection|$connection_requests|$ssl_session_reused|$server_protocol|$http2|'
                                '$ssl_server_name|$status|$request_uri|$http_accept_encoding|$sent_http_content_encoding';
              access_log \(folder)/access.log gather;
              client_body_temp_path \(folder)/tmp;
              proxy_temp_path \(folder)/tmp;
              fastcgi_temp_path \(folder)/tmp;
              uwsgi_temp_path \(folder)/tmp;
              scgi_temp_path \(folder)/tmp;
              default_type application/json;
              types { }
              root \(folder)/www;
              ssl_protocols TLSv1.2 TLSv1.3;
              keepalive_timeout 60s;

            """
        for server in servers {
            text += """
                  server {
                    listen 127.0.0.1:\(ports[server.name] ?? 0) \(server.listen);
                    \(server.directives)
                  }

                """
        }
        return text + "}\n"
    }

    /// Connects to every port until all accept (or nginx exited, or 10 s passed).
    /// Up once nginx has written its pid file, which it does only after it has bound every
    /// listening socket, and the ports accept. Ports that accept are not enough: the ports come
    /// from `freePort()`, and another test may bind one of them before nginx does. nginx then
    /// retries its bind for seconds before it gives up, while its other ports and the other
    /// test's server accept (seen: TLS handshakes with a plain HTTP server, "wrong version number").
    private func waitUntilListening() async -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && exit.isRunning {
            let pid = (try? String(contentsOfFile: folder + "/nginx.pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if pid == String(exit.pid), ports.values.allSatisfy(Self.accepts) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The access log so far, parsed.
    var log: [LogLine] {
        let text = (try? String(contentsOfFile: folder + "/access.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 10, let connection = Int(fields[0]), let status = Int(fields[6]) else { return nil }
            return LogLine(connection: connection, sessionReused: fields[2] == "r", protocolName: fields[3],
                           serverName: fields[5], status: status, uri: fields[7],
                           acceptEncoding: fields[8], contentEncoding: fields[9])
        }
    }

    /// The log once it holds at least `count` lines whose uri starts with `prefix` (nginx writes
    /// a line when it finishes a request, which may be a moment after the client has the answer).
    func waitForLog(_ prefix: String = "/", count: Int) async -> [LogLine] {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let lines = log.filter { $0.uri.hasPrefix(prefix) }
            if lines.count >= count { return lines }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return log.filter { $0.uri.hasPrefix(prefix) }
    }

    func stop() {
        // SIGTERM is nginx's fast shutdown; a master that ignores it is killed at the limit.
        exit.send(SIGTERM)
        _ = exit.waitBlocking(within: .seconds(10))
        try? FileManager.default.removeItem(atPath: folder)
    }
}
