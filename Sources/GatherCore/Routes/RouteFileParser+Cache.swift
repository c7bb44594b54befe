import Yams

/// `cache:` and `coalesce:`, on an upstream or on the route (the default for its upstreams).
extension RouteFileParser {
    static let cacheKeys = ["ttl", "stale", "max_size"]

    /// The route's `cache` and `coalesce`, which its upstreams inherit unless they say otherwise.
    struct CacheDefaults {
        var cache: CacheSpec?
        var coalesce: Bool?
    }

    mutating func parseCacheDefaults(_ fields: MappingFields) -> CacheDefaults {
        var defaults = CacheDefaults()
        if let node = fields["cache"] { defaults.cache = parseCacheSetting(node) ?? nil }
        defaults.coalesce = fields["coalesce"].flatMap { reader.bool($0, "coalesce") }
        return defaults
    }

    /// Sets the upstream's `cache` and `coalesce` from its own keys, else the route's.
    mutating func applyCaching(_ fields: MappingFields, _ context: UpstreamContext, to upstream: inout UpstreamSpec) {
        if let node = fields["cache"] {
            upstream.cache = parseCacheSetting(node) ?? nil
        } else {
            upstream.cache = context.cacheDefaults.cache
        }
        // Coalescing comes with a cache: a miss that many requests share is where it pays.
        let coalesce = fields["coalesce"].flatMap { reader.bool($0, "coalesce") } ?? context.cacheDefaults.coalesce
        upstream.coalesce = coalesce ?? (upstream.cache != nil)
    }

    /// `cache: { ttl, stale, max_size }`, or `cache: off` (also `false`) to turn a route's default
    /// off for one upstream. The outer nil: an error was reported.
    private mutating func parseCacheSetting(_ node: Node) -> CacheSpec?? {
        if case .scalar(let scalar) = node, scalar.style == .plain, ["off", "false"].contains(scalar.string) {
            return .some(nil)
        }
        guard case .mapping = node else {
            reader.fail(node, "cache must be a mapping such as { ttl: 30s, stale: 10m, max_size: 64MiB }, or off, found \(reader.describe(node))")
            return nil
        }
        guard let fields = reader.mapping(node, "cache", allowed: Self.cacheKeys, required: ["ttl"]) else { return nil }
        var failed = false
        var ttl: Duration?
        if let ttlNode = fields["ttl"], let value = reader.duration(ttlNode, "cache.ttl") {
            if value <= .zero { reader.fail(ttlNode, "cache.ttl must be above 0"); failed = true } else { ttl = value }
        }
        var stale: Duration = .zero
        if let staleNode = fields["stale"], let value = reader.duration(staleNode, "cache.stale") {
            if value < .zero { reader.fail(staleNode, "cache.stale must not be negative"); failed = true } else { stale = value }
        } else if fields["stale"] != nil {
            failed = true
        }
        var maxSize = CacheSpec.defaultMaxSize
        if let sizeNode = fields["max_size"] {
            if let value = reader.size(sizeNode, "cache.max_size") {
                // Below this, a tenth of it (the largest answer stored) holds hardly any answer.
                if value < 64 << 10 {
                    reader.fail(sizeNode, "cache.max_size must be at least 64KiB")
                    failed = true
                } else {
                    maxSize = value
                }
            } else {
                failed = true
            }
        }
        guard !failed, let ttl else { return nil }
        return .some(CacheSpec(ttl: ttl, stale: stale, maxSize: maxSize))
    }
}
