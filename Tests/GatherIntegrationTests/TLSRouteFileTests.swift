import Foundation
import GatherCore
import GatherServer
import GatherTestSupport
import Testing

/// `tls:`, `http:` and `max_connections:` in route files: every bad setting is a located
/// `FILE:LINE:COL` error in the file that names it; `verify: false` loads with a warning.
@Suite("Route files: tls, http, max_connections, cache, coalesce")
struct TLSRouteFileTests {
    static func parse(_ upstreamLines: String, routeLines: String = "", url: String = "https://127.0.0.1:8443/x")
        -> (routes: [Route], errors: [String]) {
        let text = """
            routes:
              - name: r
                match: { path: /r }
                deadline: 1s
            \(routeLines)
                upstreams:
                  - name: u
                    url: \(url)
            \(upstreamLines)
            """
        let parsed = RouteLoader.parse(text: text, file: "tls.yaml", environment: [:], paths: RouteFileReader.lookUp)
        return (parsed.routes, parsed.errors.map(\.description))
    }

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "gather-tls-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a good block loads: the files' bytes, verify, server_name; the route's fields under the upstream's")
    func goodBlock() throws {
        let certs = try TestCertificates.get()
        let parsed = Self.parse("""
                    tls: { cert: \(certs.clientPEM), key: \(certs.clientKey), server_name: API.Internal }
            """, routeLines: "    tls: { ca: \(certs.caPEM), server_name: ignored.example }")
        #expect(parsed.errors == [])
        let tls = try #require(parsed.routes.first?.upstreams.first?.tls)
        #expect(tls.caPEM == Array(try Data(contentsOf: URL(fileURLWithPath: certs.caPEM))))
        #expect(tls.certificatePEM == Array(try Data(contentsOf: URL(fileURLWithPath: certs.clientPEM))))
        #expect(tls.keyPEM == Array(try Data(contentsOf: URL(fileURLWithPath: certs.clientKey))))
        #expect(tls.serverName == "api.internal")
        #expect(tls.verify)
        #expect(RouteWarning.check(parsed.routes).isEmpty)
    }

    @Test("a CA folder: its *.pem and *.crt files, in name order")
    func caFolder() throws {
        let certs = try TestCertificates.get()
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: certs.otherCAPEM, toPath: folder + "/b.crt")
        try FileManager.default.copyItem(atPath: certs.caPEM, toPath: folder + "/a.pem")
        try "not a certificate".write(toFile: folder + "/README", atomically: true, encoding: .utf8)
        let parsed = Self.parse("        tls: { ca: \(folder) }")
        #expect(parsed.errors == [])
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: certs.caPEM)))
            + Array(try Data(contentsOf: URL(fileURLWithPath: certs.otherCAPEM)))
        #expect(parsed.routes.first?.upstreams.first?.tls?.caPEM == expected)
    }

    @Test("missing, unreadable, malformed and mismatched files are errors at the value that names them")
    func badFiles() async throws {
        let certs = try TestCertificates.get()
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let malformed = folder + "/malformed.pem"
        try "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
            .write(toFile: malformed, atomically: true, encoding: .utf8)
        let text = folder + "/text.pem"
        try "hello\n".write(toFile: text, atomically: true, encoding: .utf8)
        let empty = folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)

        #expect(Self.parse("        tls: { ca: \(folder)/nope.pem }").errors
                == ["tls.yaml:9:20: tls.ca '\(folder)/nope.pem': no such file or folder"])
        #expect(Self.parse("        tls: { ca: \(malformed) }").errors.first?.hasPrefix("tls.yaml:9:20: tls.ca '\(malformed)': ") == true)
        #expect(Self.parse("        tls: { ca: \(text) }").errors
                == ["tls.yaml:9:20: tls.ca '\(text)': no PEM certificate (-----BEGIN CERTIFICATE-----) found"])
        #expect(Self.parse("        tls: { ca: \(empty) }").errors
                == ["tls.yaml:9:20: tls.ca '\(empty)': no *.pem or *.crt files in the folder"])
        // The server's key is not the client certificate's.
        #expect(Self.parse("        tls: { cert: \(certs.clientPEM), key: \(certs.serverKey) }").errors
                == ["tls.yaml:9:\(29 + certs.clientPEM.count): tls.key '\(certs.serverKey)' for tls.cert '\(certs.clientPEM)': the private key does not match the certificate"])
        #expect(Self.parse("        tls: { cert: \(certs.clientPEM), key: \(text) }").errors
                == ["tls.yaml:9:\(29 + certs.clientPEM.count): tls.key '\(text)' for tls.cert '\(certs.clientPEM)': no PEM private key (-----BEGIN PRIVATE KEY-----) found"])
        let encrypted = folder + "/encrypted.key"
        let encryption = try await ChildProcess.run("/usr/bin/openssl", ["pkey", "-in", certs.clientKey, "-aes256", "-passout", "pass:secret",
                                                                 "-out", encrypted])
        #expect(encryption.status == 0, "\(encryption.output)")
        #expect(Self.parse("        tls: { cert: \(certs.clientPEM), key: \(encrypted) }").errors
                == ["tls.yaml:9:\(29 + certs.clientPEM.count): tls.key '\(encrypted)' for tls.cert '\(certs.clientPEM)': the private key is encrypted; gather needs it unencrypted"])
        #expect(Self.parse("        tls: { cert: \(certs.clientPEM) }").errors
                == ["tls.yaml:9:22: tls.cert '\(certs.clientPEM)' needs tls.key: the private key of that certificate"])
        #expect(Self.parse("        tls: { key: \(certs.clientKey) }").errors
                == ["tls.yaml:9:21: tls.key '\(certs.clientKey)' needs tls.cert: the certificate of that key"])
        // Every problem of a block in one run: a missing CA and a key that is not the certificate's.
        #expect(Self.parse("        tls: { ca: \(folder)/nope.pem, cert: \(certs.clientPEM), key: \(certs.serverKey) }").errors.count == 2)
        // A route-level file is located in the route's block.
        #expect(Self.parse("", routeLines: "    tls: { ca: \(folder)/nope.pem }").errors
                == ["tls.yaml:5:16: tls.ca '\(folder)/nope.pem': no such file or folder"])
    }

    @Test("an unreadable file is an error (not root: root reads every file)")
    func unreadableFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/ca.pem"
        try FileManager.default.copyItem(atPath: try TestCertificates.get().caPEM, toPath: file)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file)
        let errors = Self.parse("        tls: { ca: \(file) }").errors
        if getuid() == 0 {
            #expect(errors == [])
        } else {
            #expect(errors == ["tls.yaml:9:20: tls.ca '\(file)': cannot read the file (permissions?)"])
        }
    }

    @Test("settings that cannot apply are errors: tls or http: \"2\" on http://, h2c on https://, bad names and numbers")
    func inapplicableSettings() throws {
        #expect(Self.parse("        tls: { verify: true }", url: "http://127.0.0.1:8080/x").errors
                == ["tls.yaml:9:14: tls applies to https:// urls, and this upstream has none"])
        #expect(Self.parse("", routeLines: "    tls: { verify: true }", url: "http://127.0.0.1:8080/x").errors
                == ["tls.yaml:5:10: tls applies to https:// upstreams, and this route has none"])
        #expect(Self.parse("        http: \"2\"", url: "http://127.0.0.1:8080/x").errors
                == [#"tls.yaml:9:15: http: "2" negotiates HTTP/2 by ALPN, which needs an https:// url, found 'http://127.0.0.1:8080/x'; use h2c for HTTP/2 without TLS"#])
        #expect(Self.parse("        http: h2c").errors
                == ["tls.yaml:9:15: http: h2c is HTTP/2 without TLS, for http:// urls, found 'https://127.0.0.1:8443/x'; use \"2\" for https://"])
        #expect(Self.parse("        http: 3").errors == [#"tls.yaml:9:15: http must be one of 1.1 | 2 | h2c, found '3'"#])
        #expect(Self.parse("        tls: { server_name: 'api internal' }").errors
                == ["tls.yaml:9:29: tls.server_name must be a DNS name such as api.internal, found 'api internal'"])
        #expect(Self.parse("        tls: { verify: maybe }").errors == ["tls.yaml:9:24: tls.verify must be true or false, found 'maybe'"])
        #expect(Self.parse("        tls: { pin: abc }").errors.first?.hasPrefix("tls.yaml:9:16: unknown key 'pin' in tls") == true)
        #expect(Self.parse("        max_connections: 0").errors
                == ["tls.yaml:9:26: max_connections must be an integer from 1 to 100000, found 0"])
    }

    @Test("http and max_connections: defaults, the route's, the upstream's; the engine's limit is the smallest written")
    func httpAndConnections() throws {
        let plain = Self.parse("", url: "http://127.0.0.1:8080/x").routes.first?.upstreams.first
        #expect(plain?.http == nil)
        #expect(plain?.maxConnections == nil)
        let inherited = Self.parse("", routeLines: "    http: \"1.1\"\n    max_connections: 8").routes
        #expect(inherited.first?.upstreams.first?.http == .http1_1)
        #expect(inherited.first?.upstreams.first?.maxConnections == 8)
        let own = Self.parse("        http: 2\n        max_connections: 4", routeLines: "    max_connections: 8").routes
        #expect(own.first?.upstreams.first?.http == .http2)
        #expect(Route.connectionsPerHost(own) == 4)
        #expect(Route.connectionsPerHost(Self.parse("").routes) == 64)
        #expect(Self.parse("        http: h2c", url: "http://127.0.0.1:8080/x").routes.first?.upstreams.first?.http == .h2c)
    }

    @Test("verify: false loads, with a located warning; gather check prints it on stderr and exits 0")
    func verifyOffWarns() async throws {
        let parsed = Self.parse("        tls: { verify: false }")
        #expect(parsed.errors == [])
        #expect(RouteWarning.check(parsed.routes).map(\.description) == [
            "tls.yaml:9:24: warning: tls.verify is false for route 'r' upstream 'u': its certificate and name are not checked, so anyone on the path can impersonate it",
        ])
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/insecure.yaml"
        try """
            routes:
              - name: insecure
                match: { path: /insecure }
                deadline: 1s
                tls: { verify: false }
                upstreams:
                  - name: shard
                    shards: 3
                    url: https://127.0.0.1:8443/s/{shard}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await CheckCommandTests.run(["check", "--routes", file])
        #expect(result.status == 0)
        #expect(result.stdout.contains("insecure: GET /insecure -> 3 upstreams"))
        // One warning for the block, not one per shard.
        #expect(result.stderr == "\(file):5:20: warning: tls.verify is false for route 'insecure' upstream 'shard-0': its certificate and name are not checked, so anyone on the path can impersonate it\n")
    }

    @Test("gather check reports a bad TLS file as FILE:LINE:COL and exits 1")
    func checkCommandFails() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/bad.yaml"
        try """
            routes:
              - name: bad
                match: { path: /bad }
                deadline: 1s
                upstreams:
                  - name: api
                    url: https://127.0.0.1:8443/x
                    tls: { ca: missing-ca.pem }
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await CheckCommandTests.run(["check", "--routes", file])
        #expect(result.status == 1)
        // Relative paths are read from the route file's folder.
        #expect(result.stderr == "\(file):8:20: tls.ca 'missing-ca.pem': no such file or folder\n")
    }
}
