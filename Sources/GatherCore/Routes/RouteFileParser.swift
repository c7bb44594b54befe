import Yams

/// Builds routes from one composed route file, validating every field and collecting every
/// problem. Checks that span files (duplicate names, clashing paths) are `RouteSetChecker`'s.
struct RouteFileParser {
    var reader: NodeReader
    /// The files the routes name (TLS PEM files), read by the shell.
    let paths: NamedPath.Lookup

    static let routeKeys = ["name", "match", "deadline", "complete", "quorum", "min_ok", "forward_headers",
                            "max_parallel", "upstreams", "merge", "tls", "http", "max_connections", "cache", "coalesce"]
    /// Guards against a file (or YAML aliases) expanding into more than anyone runs.
    static let maxUpstreamsPerRoute = 10_000

    init(file: String, environment: [String: String], paths: @escaping NamedPath.Lookup = NamedPath.none) {
        reader = NodeReader(file: file, environment: environment)
        self.paths = paths
    }

    var errors: [RouteLoadError] { reader.errors }

    mutating func parseDocument(_ root: Node) -> [Route] {
        guard let fields = reader.mapping(root, "route file", allowed: ["routes"], required: ["routes"]),
              let list = fields["routes"], let items = reader.sequence(list, "routes") else { return [] }
        return items.compactMap { parseRoute($0) }
    }

    /// nil when the route had any error (they are in `errors`).
    mutating func parseRoute(_ node: Node) -> Route? {
        let errorsBefore = reader.errors.count
        guard let fields = reader.mapping(node, "route", allowed: Self.routeKeys,
                                          required: ["name", "match", "deadline", "upstreams"]) else { return nil }
        let name = fields["name"].flatMap { parseName($0, "route name") }
        var method: String? = "GET"
        var path: PathPattern?
        if let matchNode = fields["match"],
           let match = reader.mapping(matchNode, "match", allowed: ["method", "path"], required: ["path"]) {
            if let methodNode = match["method"] { method = parseMethod(methodNode) }
            if let pathNode = match["path"], let text = reader.string(pathNode, "match.path") {
                do {
                    path = try PathPattern(parsing: text)
                } catch {
                    reader.fail(pathNode, "match.path '\(text)': \(error.message)")
                }
            }
        }
        var deadline: Duration?
        if let deadlineNode = fields["deadline"], let value = reader.duration(deadlineNode, "deadline") {
            if value <= .zero { reader.fail(deadlineNode, "deadline must be above 0") } else { deadline = value }
        }
        let complete = fields["complete"].flatMap {
            reader.choice($0, "complete", [CompletionRule.all, .quorum, .first])
        } ?? .all
        let quorum = fields["quorum"].flatMap { reader.threshold($0, "quorum", minimum: 1) }
        let minOK = fields["min_ok"].flatMap { reader.threshold($0, "min_ok", minimum: 0) }
        let forwardHeaders = fields["forward_headers"].flatMap { parseForwardHeaders($0) } ?? []
        let maxParallel = fields["max_parallel"].flatMap { reader.integer($0, "max_parallel", in: 1...1_000_000) }
        let merge = fields["merge"].flatMap { parseMerge($0) } ?? MergeSpec()
        var connection = ConnectionDefaults()
        connection.tls = fields["tls"].flatMap { parseTLS($0, "tls") }
        if let httpNode = fields["http"], let version = parseHTTPVersion(httpNode, "http") {
            connection.http = (version, httpNode)
        }
        connection.maxConnections = fields["max_connections"].flatMap {
            reader.integer($0, "max_connections", in: 1...100_000)
        }

        var upstreams: [UpstreamSpec] = []
        // Upstreams with errors of their own are left out of `upstreams`; the count of entries
        // still bounds quorum and min_ok, so those errors are reported in the same run.
        var declaredUpstreams = 0
        if let upstreamsNode = fields["upstreams"], let items = reader.sequence(upstreamsNode, "upstreams") {
            declaredUpstreams = items.count
            if items.isEmpty { reader.fail(upstreamsNode, "upstreams must list at least one upstream") }
            var context = UpstreamContext(routeName: name ?? "", deadline: deadline,
                                          pathParameters: path.map { Set($0.parameterNames) },
                                          pathSource: path?.source ?? "", mergeMode: merge.mode, mergeItems: merge.items,
                                          complete: complete, connection: connection)
            context.cacheDefaults = parseCacheDefaults(fields)
            var firstByName: [String: SourceLocation] = [:]
            for item in items {
                for upstream in parseUpstream(item, context) {
                    if let first = firstByName[upstream.name] {
                        reader.fail(at: upstream.location,
                                    "duplicate upstream name '\(upstream.name)' (first at line \(first.line), column \(first.column))")
                    } else {
                        firstByName[upstream.name] = upstream.location
                    }
                    upstreams.append(upstream)
                }
                if upstreams.count > Self.maxUpstreamsPerRoute {
                    reader.fail(upstreamsNode, "a route may have at most \(Self.maxUpstreamsPerRoute) upstreams (shards included)")
                    return nil
                }
            }
        }

        if let tlsNode = fields["tls"], connection.tls?.failed == false, !upstreams.isEmpty,
           !upstreams.contains(where: { ([$0.url] + $0.replicas).contains(where: \.isHTTPS) }) {
            reader.fail(tlsNode, "tls applies to https:// upstreams, and this route has none")
        }

        checkStages(upstreams, complete: complete, completeNode: fields["complete"])
        checkMaps(upstreams, method: method, mergeMode: merge.mode, complete: complete)
        checkThresholds(fields, complete: complete, quorum: quorum, minOK: minOK, mergeMode: merge.mode,
                        upstreamCount: max(upstreams.count, declaredUpstreams))

        guard reader.errors.count == errorsBefore, let name, let method, let path, let deadline else { return nil }
        return Route(name: name, method: method, path: path, deadline: deadline, complete: complete, quorum: quorum,
                     minOK: minOK, forwardHeaders: forwardHeaders, maxParallel: maxParallel, upstreams: upstreams,
                     merge: merge, location: reader.location(node))
    }

    private mutating func checkThresholds(_ fields: MappingFields, complete: CompletionRule, quorum: Threshold?,
                                          minOK: Threshold?, mergeMode: MergeSpec.Mode, upstreamCount: Int) {
        if let quorumNode = fields["quorum"], quorum != nil, complete != .quorum, mergeMode != .vote {
            reader.fail(quorumNode, "quorum only applies with complete: quorum or merge mode vote")
        }
        if complete == .quorum, fields["quorum"] == nil, let completeNode = fields["complete"] {
            reader.fail(completeNode, "complete: quorum needs quorum: K or a percentage such as 66%")
        }
        if complete == .first, mergeMode == .vote, let completeNode = fields["complete"] {
            reader.fail(completeNode, "complete: first answers with one upstream's body as it is; it cannot be combined with merge mode vote")
        } else if complete == .first, let mergeKey = fields.keyNode("merge") {
            reader.fail(mergeKey, "merge is not used with complete: first, which answers with the winner's body as it is")
        }
        guard upstreamCount > 0 else { return }
        if case .count(let count)? = quorum, count > upstreamCount, let quorumNode = fields["quorum"] {
            reader.fail(quorumNode, "quorum \(count) is more than the \(upstreamCount) upstream(s) of this route")
        }
        if case .count(let count)? = minOK, count > upstreamCount, let minOKNode = fields["min_ok"] {
            reader.fail(minOKNode, "min_ok \(count) is more than the \(upstreamCount) upstream(s) of this route")
        }
    }

    // MARK: Small fields

    /// Route, upstream and group names: `[a-z0-9_-]+`, so they are safe in metrics and headers.
    mutating func parseName(_ node: Node, _ what: String) -> String? {
        guard let text = reader.string(node, what) else { return nil }
        let valid = !text.isEmpty && text.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard valid else {
            reader.fail(node, "\(what) '\(text)' must use only a-z, 0-9, '_' and '-'")
            return nil
        }
        return text
    }

    private mutating func parseMethod(_ node: Node) -> String? {
        guard let text = reader.string(node, "match.method") else { return nil }
        let method = text.uppercased()
        guard RouteMethods.known.contains(method) else {
            reader.fail(node, "match.method must be one of \(RouteMethods.known.joined(separator: ", ")), found '\(text)'")
            return nil
        }
        return method
    }

    private mutating func parseForwardHeaders(_ node: Node) -> [String]? {
        guard let items = reader.sequence(node, "forward_headers") else { return nil }
        var names: [String] = []
        for item in items {
            guard let text = reader.string(item, "forward_headers entry") else { continue }
            guard HTTPToken.isToken(text) else {
                reader.fail(item, "forward_headers entry '\(text)' is not a valid header name")
                continue
            }
            let name = text.lowercased()
            if RouteMethods.hopByHopHeaders.contains(name) || name == "host" {
                reader.fail(item, "header '\(text)' belongs to the connection and cannot be forwarded")
                continue
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}
