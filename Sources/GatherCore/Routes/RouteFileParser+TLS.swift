import CTLSFiles
import Yams

/// `tls:`, `http:` and `max_connections:`, on a route (defaults for its upstreams) or on an
/// upstream (overriding the route's, field by field for `tls`).
extension RouteFileParser {
    static let tlsKeys = ["ca", "cert", "key", "verify", "server_name"]

    /// One `tls:` block as written, its files read; fields left out are nil.
    struct TLSFields {
        var node: Node
        var ca: (pem: [UInt8], path: String)?
        var certificate: (pem: [UInt8], path: String, node: Node)?
        var key: (pem: [UInt8], path: String, node: Node)?
        var verify: (value: Bool, node: Node)?
        var serverName: String?
        /// A field had an error (already reported): the upstreams using the block are not built.
        var failed = false
    }

    /// Connection settings a route gives its upstreams.
    struct ConnectionDefaults {
        var tls: TLSFields?
        var http: (value: UpstreamHTTPVersion, node: Node)?
        var maxConnections: Int?
    }

    mutating func parseTLS(_ node: Node, _ what: String) -> TLSFields? {
        guard let fields = reader.mapping(node, what, allowed: Self.tlsKeys) else { return nil }
        let errorsBefore = reader.errors.count
        var tls = TLSFields(node: node)
        if let caNode = fields["ca"], let path = reader.string(caNode, "\(what).ca"),
           let pem = readCA(caNode, path, what) {
            tls.ca = (pem, path)
        }
        if let certNode = fields["cert"], let path = reader.string(certNode, "\(what).cert"),
           let pem = readPEMFile(certNode, path, "\(what).cert") {
            var error = [CChar](repeating: 0, count: 256)
            if gather_tls_count_certificates(pem, pem.count, &error, error.count) < 0 {
                reader.fail(certNode, "\(what).cert '\(path)': \(String(checkerMessage: error))")
            } else {
                tls.certificate = (pem, path, certNode)
            }
        }
        if let keyNode = fields["key"], let path = reader.string(keyNode, "\(what).key"),
           let pem = readPEMFile(keyNode, path, "\(what).key") {
            tls.key = (pem, path, keyNode)
        }
        if let verifyNode = fields["verify"], let verify = reader.bool(verifyNode, "\(what).verify") {
            tls.verify = (verify, verifyNode)
        }
        if let nameNode = fields["server_name"], let name = reader.string(nameNode, "\(what).server_name") {
            if Self.isServerName(name) {
                tls.serverName = name.lowercased()
            } else {
                reader.fail(nameNode, "\(what).server_name must be a DNS name such as api.internal, found '\(name)'")
            }
        }
        tls.failed = reader.errors.count != errorsBefore
        return tls
    }

    /// The route's block under the upstream's, checked as a whole (cert and key together, and a
    /// key that belongs to the certificate). nil when neither is written; `failed` on errors.
    mutating func resolveTLS(route: TLSFields?, upstream: TLSFields?) -> (tls: UpstreamTLS?, failed: Bool) {
        guard route != nil || upstream != nil else { return (nil, false) }
        // A field with an error is already reported; cert and key that did load are still
        // checked as a pair, so that one run reports every problem.
        let failed = route?.failed == true || upstream?.failed == true
        let ca = upstream?.ca ?? route?.ca
        let certificate = upstream?.certificate ?? route?.certificate
        let key = upstream?.key ?? route?.key
        let verify = upstream?.verify ?? route?.verify
        let serverName = upstream?.serverName ?? route?.serverName
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, nil):
            failOnce(certificate.node, "tls.cert '\(certificate.path)' needs tls.key: the private key of that certificate")
            return (nil, true)
        case (nil, let key?):
            failOnce(key.node, "tls.key '\(key.path)' needs tls.cert: the certificate of that key")
            return (nil, true)
        case (let certificate?, let key?):
            var error = [CChar](repeating: 0, count: 256)
            if gather_tls_check_key_pair(certificate.pem, certificate.pem.count, key.pem, key.pem.count,
                                         &error, error.count) != 0 {
                failOnce(key.node, "tls.key '\(key.path)' for tls.cert '\(certificate.path)': \(String(checkerMessage: error))")
                return (nil, true)
            }
        }
        if failed { return (nil, true) }
        let tls = UpstreamTLS(caPEM: ca?.pem, certificatePEM: certificate?.pem, keyPEM: key?.pem,
                              verify: verify?.value ?? true, serverName: serverName, caPath: ca?.path,
                              certificatePath: certificate?.path, keyPath: key?.path,
                              verifyDisabledAt: verify.flatMap { $0.value ? nil : reader.location($0.node) })
        return (tls, false)
    }

    /// A route-level block is resolved once per upstream: its problem is reported once.
    private mutating func failOnce(_ node: Node, _ message: String) {
        let location = reader.location(node)
        if !reader.errors.contains(where: { $0.location == location && $0.message == message }) {
            reader.fail(node, message)
        }
    }

    /// `tls.ca`: a PEM file, or a folder whose `*.pem` and `*.crt` files are read in name order.
    private mutating func readCA(_ node: Node, _ path: String, _ what: String) -> [UInt8]? {
        let resolved = resolve(path)
        switch paths(resolved) {
        case .missing:
            reader.fail(node, "\(what).ca '\(path)': no such file or folder")
            return nil
        case .folder(nil):
            reader.fail(node, "\(what).ca '\(path)': cannot read the folder")
            return nil
        case .folder(let names?):
            let files = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".pem") || $0.hasSuffix(".crt")) }.sorted()
            guard !files.isEmpty else {
                reader.fail(node, "\(what).ca '\(path)': no *.pem or *.crt files in the folder")
                return nil
            }
            var pem: [UInt8] = []
            for name in files {
                let file = resolved.hasSuffix("/") ? resolved + name : resolved + "/" + name
                guard case .file(let bytes?) = paths(file) else {
                    reader.fail(node, "\(what).ca '\(path)/\(name)': cannot read the file (permissions?)")
                    return nil
                }
                if let problem = Self.certificateProblem(bytes) {
                    reader.fail(node, "\(what).ca '\(path)/\(name)': \(problem)")
                    return nil
                }
                pem += bytes
                if pem.last != UInt8(ascii: "\n") { pem.append(UInt8(ascii: "\n")) }
            }
            return pem
        case .file(nil):
            reader.fail(node, "\(what).ca '\(path)': cannot read the file (permissions?)")
            return nil
        case .file(let bytes?):
            if let problem = Self.certificateProblem(bytes) {
                reader.fail(node, "\(what).ca '\(path)': \(problem)")
                return nil
            }
            return bytes
        }
    }

    private mutating func readPEMFile(_ node: Node, _ path: String, _ what: String) -> [UInt8]? {
        switch paths(resolve(path)) {
        case .missing:
            reader.fail(node, "\(what) '\(path)': no such file")
            return nil
        case .folder:
            reader.fail(node, "\(what) '\(path)' is a folder; it must be a PEM file")
            return nil
        case .file(nil):
            reader.fail(node, "\(what) '\(path)': cannot read the file (permissions?)")
            return nil
        case .file(let bytes?):
            return bytes
        }
    }

    private static func certificateProblem(_ pem: [UInt8]) -> String? {
        var error = [CChar](repeating: 0, count: 256)
        return gather_tls_count_certificates(pem, pem.count, &error, error.count) < 0 ? String(checkerMessage: error) : nil
    }

    /// Relative paths are read from the route file's folder.
    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = reader.file.lastIndex(of: "/") else { return path }
        return reader.file[...slash] + path
    }

    /// Letters, digits, '-' and '.', in labels of 1 to 63 characters.
    static func isServerName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 == 45 }
        }
    }

    mutating func parseHTTPVersion(_ node: Node, _ what: String) -> UpstreamHTTPVersion? {
        reader.choice(node, what, UpstreamHTTPVersion.allCases)
    }

    /// Whether `version` can speak to every url of the upstream; reports at `node` otherwise.
    mutating func checkHTTPVersion(_ version: UpstreamHTTPVersion, _ node: Node, urls: [URLTemplate],
                                   upstreamName: String, fromRoute: Bool) -> Bool {
        let whose = fromRoute ? " (the route's, for upstream '\(upstreamName)')" : ""
        for url in urls {
            switch version {
            case .http2 where !url.isHTTPS:
                reader.fail(node, "http: \"2\"\(whose) negotiates HTTP/2 by ALPN, which needs an https:// url, found '\(url.source)'; use h2c for HTTP/2 without TLS")
                return false
            case .h2c where url.isHTTPS:
                reader.fail(node, "http: h2c\(whose) is HTTP/2 without TLS, for http:// urls, found '\(url.source)'; use \"2\" for https://")
                return false
            default:
                continue
            }
        }
        return true
    }
}
