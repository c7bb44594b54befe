import Yams

extension RouteFileParser {
    static let upstreamKeys = ["name", "url", "shards", "timeout", "items", "map", "weight", "headers", "hedge",
                               "replicas", "retry", "idempotent", "max_in_flight", "circuit", "max_body", "group",
                               "tls", "http", "max_connections", "cache", "coalesce"] + stageKeys
    static let maxShards = 10_000

    /// One upstream block, expanded into one upstream per shard; empty when it had errors.
    mutating func parseUpstream(_ node: Node, _ context: UpstreamContext) -> [UpstreamSpec] {
        let errorsBefore = reader.errors.count
        guard let fields = reader.mapping(node, "upstream", allowed: Self.upstreamKeys,
                                          required: ["name", "url"]) else { return [] }
        let name = fields["name"].flatMap { parseName($0, "upstream name") }
        let shards = fields["shards"].flatMap { reader.integer($0, "shards", in: 1...Self.maxShards) }
        let url = fields["url"].flatMap { parseURL($0, "url", context, hasShards: fields["shards"] != nil) }
        if let url, shards != nil, let shardsNode = fields["shards"], !url.references.contains(.shard) {
            reader.fail(shardsNode, "shards needs {shard} in the url to tell the shards apart")
        }
        var replicas: [URLTemplate] = []
        if let replicasNode = fields["replicas"], let items = reader.sequence(replicasNode, "replicas") {
            replicas = items.compactMap { parseURL($0, "replica url", context, hasShards: fields["shards"] != nil) }
        }
        let timeout = fields["timeout"].flatMap { parseTimeout($0, context) }
        let items = fields["items"].flatMap { reader.pointer($0, "items") }
        let map = fields["map"].flatMap { parseMap($0) } ?? []
        let weight = fields["weight"].flatMap { reader.number($0, "weight", minimum: 0) } ?? 1
        let headers = fields["headers"].flatMap { parseHeaders($0, context, hasShards: fields["shards"] != nil) } ?? []
        let hedge = fields["hedge"].flatMap { parseHedge($0, context) }
        let retry = fields["retry"].flatMap { parseRetry($0, context) }
        let maxInFlight = fields["max_in_flight"].flatMap { reader.integer($0, "max_in_flight", in: 1...1_000_000) }
        let circuit = fields["circuit"].flatMap { parseCircuit($0) }
        let idempotent = fields["idempotent"].flatMap { reader.bool($0, "idempotent") } ?? false
        let maxBody = fields["max_body"].flatMap { parseMaxBody($0) } ?? UpstreamSpec.defaultMaxBody
        checkModeFields(fields, context)
        var group: String?
        if let groupNode = fields["group"] {
            group = parseName(groupNode, "group")
            if context.mergeMode != .object {
                reader.fail(groupNode, "group is only used by merge mode object")
            }
        }

        let urls = url.map { [$0] + replicas } ?? []
        let ownTLS = fields["tls"].flatMap { parseTLS($0, "tls") }
        if let tlsNode = fields["tls"], ownTLS?.failed == false, url != nil, !urls.contains(where: \.isHTTPS) {
            reader.fail(tlsNode, "tls applies to https:// urls, and this upstream has none")
        }
        // The route's tls is for its https:// upstreams; a plain one ignores it.
        let routeTLS = urls.contains(where: \.isHTTPS) ? context.connection.tls : nil
        let tls = resolveTLS(route: routeTLS, upstream: ownTLS).tls
        var http: UpstreamHTTPVersion?
        if let httpNode = fields["http"], let version = parseHTTPVersion(httpNode, "http") {
            if checkHTTPVersion(version, httpNode, urls: urls, upstreamName: name ?? "", fromRoute: false) { http = version }
        } else if let (version, httpNode) = context.connection.http {
            if checkHTTPVersion(version, httpNode, urls: urls, upstreamName: name ?? "", fromRoute: true) { http = version }
        }
        let maxConnections = fields["max_connections"].flatMap { reader.integer($0, "max_connections", in: 1...100_000) }
            ?? context.connection.maxConnections

        let stage = parseStage(fields, name: name, url: url, replicas: replicas, headers: headers)

        guard reader.errors.count == errorsBefore, let name, let url else { return [] }
        var upstream = UpstreamSpec(name: name, url: url, replicas: replicas, timeout: timeout ?? context.deadline ?? .zero,
                                    items: items ?? context.mergeItems, map: map, weight: weight, headers: headers,
                                    hedge: hedge, retry: retry, maxInFlight: maxInFlight, circuit: circuit,
                                    idempotent: idempotent, maxBody: maxBody, group: group, tls: tls, http: http,
                                    maxConnections: maxConnections, location: reader.location(fields["name"] ?? node))
        applyCaching(fields, context, to: &upstream)
        upstream.stage = stage
        if stage.each != nil, let cacheKey = fields.keyNode("cache") ?? fields.keyNode("coalesce") {
            reader.fail(cacheKey, "a map (each:) is not cached: its calls are sent every time")
        }
        if stage.each != nil {
            // Not even by the route's default.
            upstream.cache = nil
            upstream.coalesce = false
        }
        guard let shards else { return [upstream] }
        return (0..<shards).map { index in
            var shard = upstream
            shard.name = "\(name)-\(index)"
            shard.url = url.substitutingShard(index)
            shard.replicas = replicas.map { $0.substitutingShard(index) }
            shard.headers = headers.map { ($0.name, $0.value.substitutingShard(index)) }
            shard.shardIndex = index
            return shard
        }
    }

    private mutating func parseURL(_ node: Node, _ what: String, _ context: UpstreamContext, hasShards: Bool) -> URLTemplate? {
        guard let (text, source) = reader.template(node, what) else { return nil }
        let template: URLTemplate
        do {
            template = try URLTemplate(parsing: text, source: source)
        } catch {
            reader.fail(node, "\(what): \(error.message)")
            return nil
        }
        return checkReferences(template.references, node, what, context, hasShards: hasShards) ? template : nil
    }

    /// Path placeholders must name a parameter of match.path, and `{shard}` needs `shards:`.
    private mutating func checkReferences(_ references: [TemplateReference], _ node: Node, _ what: String,
                                          _ context: UpstreamContext, hasShards: Bool) -> Bool {
        var valid = true
        for reference in references {
            switch reference.kind {
            case .path:
                if let parameters = context.pathParameters, !parameters.contains(reference.name) {
                    reader.fail(node, "\(what) uses \(reference) but match.path '\(context.pathSource)' has no {\(reference.name)}")
                    valid = false
                }
            case .shard:
                if !hasShards {
                    reader.fail(node, "\(what) uses {shard} but the upstream has no shards:")
                    valid = false
                }
            case .query, .header, .from, .item:
                continue  // `from`: checked with the route's other upstreams (RouteFileParser+Stages)
            }
        }
        return valid
    }

    private mutating func parseTimeout(_ node: Node, _ context: UpstreamContext) -> Duration? {
        guard let timeout = reader.duration(node, "timeout") else { return nil }
        if timeout <= .zero {
            reader.fail(node, "timeout must be above 0")
            return nil
        }
        if let deadline = context.deadline, timeout > deadline {
            reader.fail(node, "timeout \(DurationParser.format(timeout)) is above the route's deadline \(DurationParser.format(deadline))")
            return nil
        }
        return timeout
    }

    private mutating func parseMap(_ node: Node) -> [FieldMapping]? {
        guard let entries = reader.namedEntries(node, "map") else { return nil }
        return entries.compactMap { entry in
            reader.pointer(entry.value, "map.\(entry.key)").map { FieldMapping(field: entry.key, pointer: $0) }
        }
    }

    private mutating func parseHeaders(_ node: Node, _ context: UpstreamContext,
                                       hasShards: Bool) -> [(name: String, value: HeaderTemplate)]? {
        guard let entries = reader.namedEntries(node, "headers") else { return nil }
        var headers: [(name: String, value: HeaderTemplate)] = []
        var seen: Set<String> = []
        for entry in entries {
            guard HTTPToken.isToken(entry.key) else {
                reader.fail(entry.keyNode, "'\(entry.key)' is not a valid header name")
                continue
            }
            let lowered = entry.key.lowercased()
            if RouteMethods.hopByHopHeaders.contains(lowered) {
                reader.fail(entry.keyNode, "header '\(entry.key)' is managed by the gateway and cannot be set")
                continue
            }
            if RouteMethods.tracingHeaders.contains(lowered) {
                reader.fail(entry.keyNode, "header '\(entry.key)' is set by the gateway on every attempt (tracing) and cannot be set")
                continue
            }
            guard seen.insert(lowered).inserted else {
                reader.fail(entry.keyNode, "header '\(entry.key)' is set twice (header names ignore case)")
                continue
            }
            guard let (text, source) = reader.template(entry.value, "headers.\(entry.key)") else { continue }
            do {
                let template = try HeaderTemplate(parsing: text, source: source)
                if checkReferences(template.references, entry.value, "headers.\(entry.key)", context, hasShards: hasShards) {
                    headers.append((entry.key, template))
                }
            } catch {
                reader.fail(entry.value, "headers.\(entry.key): \(error.message)")
            }
        }
        return headers
    }

    private mutating func parseHedge(_ node: Node, _ context: UpstreamContext) -> HedgeSpec? {
        guard let fields = reader.mapping(node, "hedge", allowed: ["after", "max", "budget"], required: ["after"]) else {
            return nil
        }
        var after: HedgeSpec.Delay?
        if let afterNode = fields["after"] {
            after = parseHedgeDelay(afterNode, context)
        }
        let max = fields["max"].flatMap { reader.integer($0, "hedge.max", in: 0...10) } ?? 1
        let budget = fields["budget"].flatMap { reader.fraction($0, "hedge.budget") }
        return after.map { HedgeSpec(after: $0, max: max, budget: budget) }
    }

    private mutating func parseHedgeDelay(_ node: Node, _ context: UpstreamContext) -> HedgeSpec.Delay? {
        let expecting = "a duration such as 40ms or a latency percentile such as p95"
        guard let (text, _) = reader.scalar(node, "hedge.after", expecting: expecting) else { return nil }
        if text.hasPrefix("p") {
            guard let decimal = DecimalText(text.dropFirst()), decimal.doubleValue > 0, decimal.doubleValue <= 100 else {
                reader.fail(node, "hedge.after percentile must be p followed by a number above 0 and at most 100, found '\(text)'")
                return nil
            }
            return .percentile(decimal.doubleValue)
        }
        guard let delay = DurationParser.parse(text) else {
            reader.fail(node, "hedge.after must be \(expecting), found '\(text)'")
            return nil
        }
        if let deadline = context.deadline, delay >= deadline {
            reader.fail(node, "hedge.after \(DurationParser.format(delay)) must be below the route's deadline \(DurationParser.format(deadline))")
            return nil
        }
        return .fixed(delay)
    }

    private mutating func parseRetry(_ node: Node, _ context: UpstreamContext) -> RetrySpec? {
        guard let fields = reader.mapping(node, "retry", allowed: ["attempts", "on", "backoff", "budget"],
                                          required: ["attempts"]) else { return nil }
        let attempts = fields["attempts"].flatMap { reader.integer($0, "retry.attempts", in: 1...10) }
        var conditions = RetrySpec.defaultConditions
        if let onNode = fields["on"], let items = reader.sequence(onNode, "retry.on") {
            if items.isEmpty { reader.fail(onNode, "retry.on must list at least one condition") }
            conditions = Set(items.compactMap { reader.choice($0, "retry.on entry", RetrySpec.Condition.allCases) })
        }
        var backoff: Duration = .zero
        if let backoffNode = fields["backoff"], let value = reader.duration(backoffNode, "retry.backoff") {
            if let deadline = context.deadline, value >= deadline {
                reader.fail(backoffNode, "retry.backoff \(DurationParser.format(value)) must be below the route's deadline \(DurationParser.format(deadline))")
            }
            backoff = value
        }
        let budget = fields["budget"].flatMap { reader.fraction($0, "retry.budget") }
        return attempts.map { RetrySpec(attempts: $0, on: conditions, backoff: backoff, budget: budget) }
    }

    private mutating func parseCircuit(_ node: Node) -> CircuitSpec? {
        guard let fields = reader.mapping(node, "circuit", allowed: ["failures", "cooldown"]) else { return nil }
        let failures = fields["failures"].flatMap { reader.integer($0, "circuit.failures", in: 1...1_000_000) }
        var cooldown: Duration?
        if let cooldownNode = fields["cooldown"], let value = reader.duration(cooldownNode, "circuit.cooldown") {
            if value <= .zero { reader.fail(cooldownNode, "circuit.cooldown must be above 0") } else { cooldown = value }
        }
        return CircuitSpec(failures: failures ?? CircuitSpec.defaultFailures, cooldown: cooldown ?? CircuitSpec.defaultCooldown)
    }

    private mutating func parseMaxBody(_ node: Node) -> Int? {
        guard let size = reader.size(node, "max_body") else { return nil }
        guard size > 0 else {
            reader.fail(node, "max_body must be above 0 bytes")
            return nil
        }
        return size
    }

    /// Upstream settings that only some merges read are refused elsewhere: they would be
    /// silently ignored.
    private mutating func checkModeFields(_ fields: MappingFields, _ context: UpstreamContext) {
        let first = context.complete == .first
        let listMode = [MergeSpec.Mode.concat, .sort, .fuse].contains(context.mergeMode)
        if first {
            for key in ["items", "map", "weight"] {
                if let node = fields.keyNode(key) {
                    reader.fail(node, "\(key) is not used with complete: first, which answers with the winner's body as it is")
                }
            }
            return
        }
        if !listMode, let node = fields.keyNode("map") {
            reader.fail(node, "map is only used by the list modes (concat, sort, fuse)")
        }
        if context.mergeMode != .fuse, let node = fields.keyNode("weight") {
            reader.fail(node, "weight is only used by merge mode fuse")
        }
    }
}
