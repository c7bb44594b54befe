import Foundation
import GatherCore
import Testing

/// Upstream TLS against a real nginx with certificates made at test time: verification on and
/// off, a private CA, mTLS, a wrong CA, an expired certificate, SNI, session and connection reuse.
@Suite("Upstream TLS, real nginx", .serialized)
struct UpstreamTLSTests {
    static let body = Array(#"{"results":[{"id":"a"}]}"#.utf8)

    /// Servers: `tls` (h1+h2, the CA's server certificate), `mtls` (requires a client
    /// certificate from the CA), `expired`, `closing` (one request per connection).
    static func withNginx(_ test: (NginxUpstream, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.get()
        let tls = "ssl_certificate \(certificates.serverPEM); ssl_certificate_key \(certificates.serverKey);"
        let nginx = try await NginxUpstream.start([
            .init(name: "tls", listen: "ssl http2", directives: tls),
            .init(name: "mtls", listen: "ssl", directives: tls + " ssl_client_certificate \(certificates.caPEM); ssl_verify_client on;"),
            .init(name: "expired", listen: "ssl",
                  directives: "ssl_certificate \(certificates.expiredPEM); ssl_certificate_key \(certificates.serverKey);"),
            .init(name: "closing", listen: "ssl", directives: tls + " keepalive_requests 1;"),
        ], files: ["a.json": body])
        defer { nginx.stop() }
        try await test(nginx, certificates)
    }

    static func route(_ upstreams: String, name: String = "t", routeLevel: String = "") -> String {
        """
        routes:
          - name: \(name)
            match: { path: /\(name) }
            deadline: 3s
            \(routeLevel)
            upstreams:
        \(upstreams)
            merge: { mode: concat, items: /results }
        """
    }

    static func upstream(_ name: String, _ url: String, tls: String? = nil, extra: String = "") -> String {
        var text = "      - name: \(name)\n        url: \(url)\n"
        if let tls { text += "        tls: \(tls)\n" }
        if !extra.isEmpty { text += "        \(extra)\n" }
        return text
    }

    static func withGateway(_ routes: String, _ test: (GatewayHarness) async throws -> Void) async throws {
        try await GatewayHarness.with([], routes: { _ in routes }, test)
    }

    @Test("verification with a private CA passes; without it, with another CA, or expired it fails, with the reason")
    func verification() async throws {
        try await Self.withNginx { nginx, certs in
            let tlsURL = "https://127.0.0.1:\(nginx.port("tls"))/a.json"
            let upstreams = Self.upstream("private-ca", tlsURL, tls: "{ ca: \(certs.caPEM) }")
                + Self.upstream("system-cas", tlsURL)
                + Self.upstream("other-ca", tlsURL, tls: "{ ca: \(certs.otherCAPEM) }")
                + Self.upstream("expired", "https://127.0.0.1:\(nginx.port("expired"))/a.json", tls: "{ ca: \(certs.caPEM) }")
                + Self.upstream("not-verified", tlsURL, tls: "{ ca: \(certs.otherCAPEM), verify: false }")
            try await Self.withGateway(Self.route(upstreams)) { gateway in
                let response = await gateway.get("/t")
                #expect(response.status == 200, "\(response.text)")
                #expect(response.upstreamStatus("private-ca") == "ok")
                #expect(response.upstreamStatus("not-verified") == "ok")
                for name in ["system-cas", "other-ca"] {
                    #expect(response.upstreamStatus(name) == "error")
                    #expect(response["/upstreams/\(name)/error"]?.stringValue
                            == "TLS: certificate verify failed (unable to get local issuer certificate)")
                }
                #expect(response["/upstreams/expired/error"]?.stringValue == "TLS: certificate verify failed (certificate has expired)")
                #expect(response.header("Gather-Partial") == "true")
            }
        }
    }

    @Test("server_name sets SNI and the name checked: the right one passes, another fails naming it")
    func serverName() async throws {
        try await Self.withNginx { nginx, certs in
            let url = "https://127.0.0.1:\(nginx.port("tls"))/a.json"
            let upstreams = Self.upstream("named", url, tls: "{ server_name: api.internal }")
                + Self.upstream("misnamed", url, tls: "{ server_name: wrong.example }")
            // The CA comes from the route; each upstream adds its server_name.
            try await Self.withGateway(Self.route(upstreams, routeLevel: "tls: { ca: \(certs.caPEM) }")) { gateway in
                let response = await gateway.get("/t")
                #expect(response.upstreamStatus("named") == "ok", "\(response.text)")
                #expect(response["/upstreams/misnamed/error"]?.stringValue
                        == "TLS: certificate verify failed (no alternative certificate subject name matches target host name 'wrong.example')")
                let lines = await nginx.waitForLog(count: 1)
                #expect(lines.map(\.serverName) == ["api.internal"])
            }
        }
    }

    @Test("an upstream that requires mTLS answers with the client certificate, and refuses without one")
    func mutualTLS() async throws {
        try await Self.withNginx { nginx, certs in
            let url = "https://127.0.0.1:\(nginx.port("mtls"))/a.json"
            let upstreams = Self.upstream("with-cert", url, tls: "{ cert: \(certs.clientPEM), key: \(certs.clientKey) }")
                + Self.upstream("without-cert", url)
            try await Self.withGateway(Self.route(upstreams, routeLevel: "tls: { ca: \(certs.caPEM) }")) { gateway in
                let response = await gateway.get("/t")
                #expect(response.upstreamStatus("with-cert") == "ok", "\(response.text)")
                // With TLS 1.3 nginx completes the handshake and answers 400 ("No required SSL
                // certificate was sent"): an HTTP answer, so bad_status.
                #expect(response.upstreamStatus("without-cert") == "bad_status")
                #expect(response["/upstreams/without-cert/http_status"]?.numberValue == 400)
            }
        }
    }

    @Test("connections and TLS sessions are reused: 100 requests, one handshake; new connections resume the session")
    func reuse() async throws {
        try await Self.withNginx { nginx, certs in
            let upstreams = Self.upstream("kept", "https://127.0.0.1:\(nginx.port("tls"))/a.json", extra: "http: \"1.1\"")
            let closing = Self.upstream("closing", "https://127.0.0.1:\(nginx.port("closing"))/a.json?closing")
            let routes = Self.route(upstreams, name: "kept", routeLevel: "tls: { ca: \(certs.caPEM) }")
                + "\n" + Self.route(closing, name: "closing", routeLevel: "tls: { ca: \(certs.caPEM) }").replacingOccurrences(of: "routes:\n", with: "")
            try await Self.withGateway(routes) { gateway in
                for _ in 0..<100 {
                    let response = await gateway.get("/kept")
                    #expect(response.upstreamStatus("kept") == "ok")
                }
                let kept = await nginx.waitForLog("/a.json", count: 100).filter { !$0.uri.contains("closing") }
                #expect(kept.count == 100)
                #expect(Set(kept.map(\.connection)).count == 1, "one keep-alive connection, one handshake")
                // This server closes after every request: each request is a new connection, and
                // each after the first resumes the TLS session instead of a full handshake.
                for _ in 0..<10 {
                    let response = await gateway.get("/closing")
                    #expect(response.upstreamStatus("closing") == "ok")
                }
                let closed = await nginx.waitForLog("/a.json?closing", count: 10)
                #expect(Set(closed.map(\.connection)).count == 10)
                let resumed = closed.dropFirst().filter { $0.sessionReused }.count
                #expect(resumed == 9, "\(closed.map(\.sessionReused))")
                #expect(closed.first?.sessionReused == false)
            }
        }
    }
}
