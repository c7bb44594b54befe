import CTLSFiles
import Foundation
import GatherCore
import NIOSSL
import Synchronization

/// The public listener's certificate and key (`serve --tls-cert --tls-key`), read from their
/// files at start and again on each `reload()` (SIGHUP). Each new connection takes the context
/// current when it is accepted; connections already open keep the one they began with.
public final class ListenerCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let context: Mutex<NIOSSLContext>

    /// Why a certificate and key could not be used: says which file and what is wrong with it.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// ALPN: HTTP/2 first, HTTP/1.1 for clients that offer nothing else (or no ALPN at all).
    static let applicationProtocols = ["h2", "http/1.1"]

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.context = Mutex(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads both files again; on any error the old pair stays in use and the error says why.
    public func reload() throws {
        let fresh = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        context.withLock { $0 = fresh }
    }

    static func load(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
        let certificatePEM = try read(certificatePath, "--tls-cert")
        let keyPEM = try read(keyPath, "--tls-key")
        // The same checks (and OpenSSL's own words) as a route's tls: files, before BoringSSL's
        // terser errors: a malformed PEM or a key of another certificate is named as such.
        var reason = [CChar](repeating: 0, count: 256)
        if gather_tls_count_certificates(certificatePEM, certificatePEM.count, &reason, reason.count) < 0 {
            throw LoadError(description: "--tls-cert '\(certificatePath)': \(String(checkerMessage: reason))")
        }
        if gather_tls_check_key_pair(certificatePEM, certificatePEM.count, keyPEM, keyPEM.count, &reason, reason.count) < 0 {
            throw LoadError(description: "--tls-key '\(keyPath)': \(String(checkerMessage: reason))")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
            let key = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.applicationProtocols = applicationProtocols
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(description: "--tls-cert '\(certificatePath)' with --tls-key '\(keyPath)': \(error)")
        }
    }

    private static func read(_ path: String, _ flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw LoadError(description: "\(flag) '\(path)': \(reason)")
        }
        return Array(data)
    }
}
