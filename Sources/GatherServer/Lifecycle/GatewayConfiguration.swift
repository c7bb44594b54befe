/// How a gateway listens and how much it takes on.
public struct GatewayConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// nil: no admin listener (tests that do not need one).
    public var adminHost: String? = "127.0.0.1"
    public var adminPort = 9901
    public var limits = ClientLimits()
    public var maxInFlight = 10_000
    /// One per CPU the process may run on (affinity mask and cgroup limits both count).
    public var eventLoopThreads = UsableCores.count
    /// Transfer threads each own one libcurl multi handle; connections are pooled per thread.
    public var transferThreads = 2
    /// One `info` line per client request (through the gateway's logger).
    public var accessLog = true
    /// Aggregated answers (JSON envelopes) larger than this many bytes are gzipped for clients
    /// whose Accept-Encoding takes gzip; nil: never (`--gzip-min off`).
    public var gzipMinimumBytes: Int? = 1024
    /// Log lines the process's log writer dropped so far (exported as
    /// `gather_log_lines_dropped_total`); nil: the gateway does not own the process's logging.
    public var droppedLogLines: (@Sendable () -> Int)?
    /// HTTPS (ALPN h2 and http/1.1) on the public listener; nil: plaintext HTTP/1.1. Reloading
    /// it (SIGHUP) changes the certificate new connections get.
    public var tls: ListenerCertificate?

    public init() {}
}

import NIOCore
