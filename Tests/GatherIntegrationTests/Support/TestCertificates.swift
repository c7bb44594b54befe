import Foundation
import GatherTestSupport

/// Certificates made at test time with Debian's `openssl`: a private CA, a server certificate
/// it signed (for 127.0.0.1, localhost and api.internal), a client certificate it signed, an
/// expired server certificate, and a second CA that signed nothing gather trusts.
/// Made once per test process (EC P-256 keys: fast), in a temporary folder.
struct TestCertificates: Sendable {
    let folder: String
    var caPEM: String { folder + "/ca.pem" }
    var serverPEM: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var clientPEM: String { folder + "/client.pem" }
    var clientKey: String { folder + "/client.key" }
    var expiredPEM: String { folder + "/expired.pem" }
    /// A CA that signed nothing gather talks to.
    var otherCAPEM: String { folder + "/other-ca.pem" }
    var otherCAKey: String { folder + "/other-ca.key" }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let shared: Result<TestCertificates, Failure> = {
        do { return .success(try make()) } catch let failure as Failure { return .failure(failure) } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    static func get() throws -> TestCertificates { try shared.get() }

    private static func make() throws -> TestCertificates {
        let folder = NSTemporaryDirectory() + "gather-certs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificates = TestCertificates(folder: folder)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try write(folder + "/server.ext", "subjectAltName=DNS:api.internal,DNS:localhost,IP:127.0.0.1\n")
        try write(folder + "/client.ext", "extendedKeyUsage=clientAuth\n")
        try write(folder + "/ca.cnf", """
            [ca]
            default_ca = d
            [d]
            database = \(folder)/index.txt
            new_certs_dir = \(folder)
            serial = \(folder)/serial
            default_md = sha256
            policy = p
            [p]
            commonName = supplied

            """)
        try write(folder + "/index.txt", "")
        try write(folder + "/serial", "1000\n")
        for (name, subject) in [("ca", "/CN=gather test CA"), ("other-ca", "/CN=some other CA")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).pem",
                                                  "-days", "2", "-subj", subject], in: folder)
        }
        for (name, subject) in [("server", "/CN=api.internal"), ("client", "/CN=gather client")] {
            try openssl(["req"] + ec + ["-keyout", "\(folder)/\(name).key", "-out", "\(folder)/\(name).csr",
                                        "-subj", subject], in: folder)
            try openssl(["x509", "-req", "-in", "\(folder)/\(name).csr", "-CA", certificates.caPEM,
                         "-CAkey", "\(folder)/ca.key", "-CAcreateserial", "-out", "\(folder)/\(name).pem", "-days", "2",
                         "-extfile", "\(folder)/\(name).ext"], in: folder)
        }
        // Valid for one day in 2020: expired ever since.
        try openssl(["ca", "-batch", "-config", "\(folder)/ca.cnf", "-cert", certificates.caPEM, "-keyfile", "\(folder)/ca.key",
                     "-in", "\(folder)/server.csr", "-out", certificates.expiredPEM, "-startdate", "20200101000000Z",
                     "-enddate", "20200102000000Z", "-extfile", "\(folder)/server.ext", "-notext"], in: folder)
        return certificates
    }

    private static func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func openssl(_ arguments: [String], in folder: String) throws {
        let result = try ChildProcess.runBlocking("/usr/bin/openssl", arguments, in: folder)
        guard result.status == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
    }
}
