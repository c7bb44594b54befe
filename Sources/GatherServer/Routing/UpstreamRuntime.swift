import GatherCore
import GatherCurl

/// Per-upstream facts computed once per route load instead of once per attempt, and the
/// upstream's live health (latency, budgets, breaker, in-flight counts) shared by its requests.
final class UpstreamRuntime: Sendable {
    let spec: UpstreamSpec
    let timeoutMilliseconds: Int
    let timeoutNanoseconds: Int64
    let health: UpstreamHealth
    /// HTTP version and TLS for libcurl; nil for plain HTTP/1.1 with nothing to set.
    let connection: UpstreamConnectionOptions?
    /// `cache:` or `coalesce:`; nil when the upstream has neither.
    let cache: UpstreamCache?
    let cacheIdentity: CacheIdentity
    /// The name metrics and purges know the cache by: a `shards:` block's own name for its
    /// shards (`shard`, not `shard-3`), which share one cache.
    var cacheName: String {
        guard let index = spec.shardIndex, spec.name.hasSuffix("-\(index)") else { return spec.name }
        return String(spec.name.dropLast("-\(index)".count))
    }

    /// `previous`: the same upstream in the generation a reload replaces; its live health (latency
    /// window, breaker, budgets, in-flight counts) carries over when nothing it depends on changed.
    init(spec: UpstreamSpec, previous: UpstreamRuntime? = nil, connections: inout ConnectionOptionsCache,
         cacheShape: String = "", blockCache: UpstreamCache? = nil) {
        self.spec = spec
        self.connection = connections.options(for: spec)
        self.timeoutNanoseconds = spec.timeout.nanoseconds
        self.timeoutMilliseconds = max(1, Int((Double(timeoutNanoseconds) / 1_000_000).rounded(.up)))
        if let previous, HealthIdentity(previous.spec) == HealthIdentity(spec) {
            self.health = previous.health
        } else {
            self.health = UpstreamHealth(spec: spec)
        }
        let cacheIdentity = CacheIdentity(spec, shape: cacheShape)
        self.cacheIdentity = cacheIdentity
        if spec.cache == nil && !spec.coalesce {
            self.cache = nil
        } else if let previous, let kept = previous.cache, previous.cacheIdentity == cacheIdentity {
            self.cache = kept  // a reload keeps the entries of an upstream that did not change
        } else if let blockCache {
            self.cache = blockCache  // the shards of one block share one cache and its max_size
        } else {
            self.cache = UpstreamCache(spec: spec.cache, coalesces: spec.coalesce)
        }
    }
}

/// One `UpstreamConnectionOptions` per distinct setting in a route load: shards and upstreams
/// that connect alike share it, so an easy handle moving between them sets no option again.
struct ConnectionOptionsCache {
    private struct Key: Hashable {
        var http: UpstreamHTTPVersion
        var tls: UpstreamTLS?
    }

    private var made: [Key: UpstreamConnectionOptions] = [:]

    mutating func options(for spec: UpstreamSpec) -> UpstreamConnectionOptions? {
        let https = ([spec.url] + spec.replicas).contains(where: \.isHTTPS)
        // HTTP/2 by ALPN is libcurl's "2TLS": an http:// replica of the same upstream speaks 1.1.
        let http = spec.http ?? (https ? .http2 : .http1_1)
        if http == .http1_1 && spec.tls == nil { return nil }
        let key = Key(http: http, tls: spec.tls)
        if let known = made[key] { return known }
        let version: UpstreamConnectionOptions.HTTPVersion
        switch http {
        case .http1_1: version = .http1_1
        case .http2: version = .http2
        case .h2c: version = .h2c
        }
        let tls = spec.tls
        let options = UpstreamConnectionOptions(httpVersion: version, caPEM: tls?.caPEM, certificatePEM: tls?.certificatePEM,
                                                keyPEM: tls?.keyPEM, verify: tls?.verify ?? true, serverName: tls?.serverName)
        made[key] = options
        return options
    }
}
