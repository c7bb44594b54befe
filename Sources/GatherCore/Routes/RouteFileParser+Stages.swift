import Yams

/// `needs:`, `{from.NAME/POINTER}` and `required:`: the route's upstreams form a DAG, checked
/// once every upstream of the route is known.
extension RouteFileParser {
    static let stageKeys = ["needs", "required", "each"]
    static let maxBatch = 10_000

    /// The upstream's own part: its needs (explicit, or read off its `from` placeholders) and
    /// `required`. With `needs:` written, every `from` placeholder must name one of them.
    mutating func parseStage(_ fields: MappingFields, name: String?, url: URLTemplate?, replicas: [URLTemplate],
                             headers: [(name: String, value: HeaderTemplate)]) -> UpstreamStage {
        var stage = UpstreamStage()
        stage.required = fields["required"].flatMap { reader.bool($0, "required") } ?? false
        var explicit: Set<String>?
        if let needsNode = fields["needs"], let entries = reader.sequence(needsNode, "needs") {
            if entries.isEmpty { reader.fail(needsNode, "needs must list at least one upstream (or be left out)") }
            var written: Set<String> = []
            for entry in entries {
                guard let need = parseName(entry, "needs entry") else { continue }
                guard written.insert(need).inserted else {
                    reader.fail(entry, "needs lists '\(need)' twice")
                    continue
                }
                stage.needs.append(need)
                stage.needLocations.append(reader.location(entry))
            }
            explicit = written
        }
        var placeholders: [(reference: TemplateReference, node: Node)] = []
        if let url, let urlNode = fields["url"] {
            placeholders += url.references.filter { $0.kind == .from }.map { ($0, urlNode) }
        }
        if let replicasNode = fields["replicas"] {
            for replica in replicas { placeholders += replica.references.filter { $0.kind == .from }.map { ($0, replicasNode) } }
        }
        if let headersNode = fields["headers"] {
            for header in headers {
                placeholders += header.value.references.filter { $0.kind == .from }.map { ($0, headersNode) }
            }
        }
        for (reference, node) in placeholders {
            if reference.name == name {
                reader.fail(node, "\(reference): an upstream cannot read its own answer")
            } else if let explicit {
                if !explicit.contains(reference.name) {
                    reader.fail(node, "\(reference) reads upstream '\(reference.name)', which is not a dependency: add it to needs: [\(stage.needs.joined(separator: ", "))]")
                }
            } else if !stage.needs.contains(reference.name) {
                stage.needs.append(reference.name)
                stage.needLocations.append(reader.location(node))
            }
        }
        if let needsNode = fields["needs"], let name, stage.needs.contains(name) {
            reader.fail(needsNode, "upstream '\(name)' cannot need itself")
        }
        if let eachNode = fields["each"], let each = parseEach(eachNode) {
            stage.each = each
            if case .upstream(let source) = each.from {
                if source == name {
                    reader.fail(eachNode, "each.from: an upstream cannot map over its own answer")
                } else if let explicit {
                    if !explicit.contains(source) {
                        reader.fail(eachNode, "each.from reads upstream '\(source)', which is not a dependency: add it to needs: [\(stage.needs.joined(separator: ", "))]")
                    }
                } else if !stage.needs.contains(source) {
                    stage.needs.append(source)
                    stage.needLocations.append(reader.location(eachNode))
                }
            }
        }
        var itemReferences: [Node] = []
        if let url, let urlNode = fields["url"], url.references.contains(where: { $0.kind == .item }) { itemReferences.append(urlNode) }
        if let replicasNode = fields["replicas"], replicas.contains(where: { $0.references.contains { $0.kind == .item } }) {
            itemReferences.append(replicasNode)
        }
        if let headersNode = fields["headers"], headers.contains(where: { $0.value.references.contains { $0.kind == .item } }) {
            itemReferences.append(headersNode)
        }
        for node in itemReferences {
            if stage.each == nil && fields["each"] == nil {
                reader.fail(node, "{item/…} reads the current item of a map: the upstream needs each:")
            } else if let each = stage.each, each.batch > 1 {
                reader.fail(node, "{item/…} reads one item; with each.batch \(each.batch) a call carries many (they are its body)")
            }
        }
        return stage
    }

    /// Route-wide: every need names an upstream of the route, the needs form no cycle, and the
    /// completion rule can use a later stage at all.
    mutating func checkStages(_ upstreams: [UpstreamSpec], complete: CompletionRule, completeNode: Node?) {
        var indexByName: [String: Int] = [:]
        for (index, upstream) in upstreams.enumerated() where indexByName[upstream.name] == nil {
            indexByName[upstream.name] = index
        }
        var edges: [[Int]] = Array(repeating: [], count: upstreams.count)
        var valid = true
        for (index, upstream) in upstreams.enumerated() {
            for (need, location) in zip(upstream.stage.needs, upstream.stage.needLocations) {
                guard let target = indexByName[need] else {
                    let shardHint = indexByName["\(need)-0"] != nil
                        ? " (a shards block's upstreams are named \(need)-0, \(need)-1, …)" : ""
                    reader.fail(at: location, "upstream '\(upstream.name)' needs '\(need)', which is not an upstream of this route\(shardHint)")
                    valid = false
                    continue
                }
                if target != index { edges[index].append(target) }
            }
        }
        guard valid else { return }
        if let cycle = Self.firstCycle(edges) {
            let names = (cycle + [cycle[0]]).map { upstreams[$0].name }.joined(separator: " → ")
            let first = upstreams[cycle[0]]
            let location = first.stage.needLocations.first ?? first.location
            reader.fail(at: location, "dependency cycle: \(names) (needs and {from.…} placeholders must form no loop)")
            return
        }
        let staged = upstreams.contains { !$0.stage.needs.isEmpty }
        if complete == .first, let completeNode {
            if staged {
                reader.fail(completeNode, "complete: first answers with the first upstream to succeed; an upstream with needs (or {from.…}) would never be sent")
            } else if upstreams.contains(where: \.stage.required) {
                reader.fail(completeNode, "complete: first answers with the first upstream to succeed; required: true would be ignored")
            }
        }
    }

    /// One cycle of the graph (indices in order), or nil when it is a DAG. Iterative, so a route
    /// of thousands of upstreams cannot exhaust the stack.
    static func firstCycle(_ edges: [[Int]]) -> [Int]? {
        var state = Array(repeating: 0, count: edges.count)  // 0 new, 1 on the path, 2 done
        for root in edges.indices where state[root] == 0 {
            var path: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = path.last {
                if top.next < edges[top.node].count {
                    path[path.count - 1].next += 1
                    let target = edges[top.node][top.next]
                    if state[target] == 1 {
                        let start = path.firstIndex { $0.node == target }!
                        return path[start...].map(\.node)
                    }
                    if state[target] == 0 {
                        state[target] = 1
                        path.append((target, 0))
                    }
                } else {
                    state[top.node] = 2
                    path.removeLast()
                }
            }
        }
        return nil
    }
}

extension RouteFileParser {
    mutating func parseEach(_ node: Node) -> MapSpec? {
        guard let fields = reader.mapping(node, "each", allowed: ["from", "items", "batch", "wrap", "attach"],
                                          required: ["from", "items"]) else { return nil }
        var from: MapSpec.Source?
        if let fromNode = fields["from"], let text = parseName(fromNode, "each.from") {
            from = text == "body" ? .body : .upstream(text)
        }
        let items = fields["items"].flatMap { reader.pointer($0, "each.items") }
        let batch = fields["batch"].flatMap { reader.integer($0, "each.batch", in: 1...Self.maxBatch) } ?? 1
        let wrap = fields["wrap"].flatMap { reader.string($0, "each.wrap") }
        let attach = fields["attach"].flatMap { reader.string($0, "each.attach") }
        if let wrapNode = fields["wrap"], wrap != nil, batch == 1 {
            reader.fail(wrapNode, "each.wrap names the key a batch goes under: it needs each.batch above 1")
        }
        if let attachNode = fields["attach"], attach != nil, batch > 1 {
            reader.fail(attachNode, "each.attach puts one call's answer into the item that produced it: it needs each.batch 1")
        }
        guard let from, let items else { return nil }
        return MapSpec(from: from, items: items, batch: batch, wrap: wrap, attach: attach)
    }

    /// Route-wide rules of maps: list modes only, nobody needs a map, batches go in a body, and
    /// one map attaches to a given source.
    mutating func checkMaps(_ upstreams: [UpstreamSpec], method: String?, mergeMode: MergeSpec.Mode, complete: CompletionRule) {
        let maps = Set(upstreams.filter { $0.stage.each != nil }.map(\.name))
        guard !maps.isEmpty else { return }
        for upstream in upstreams {
            for (need, location) in zip(upstream.stage.needs, upstream.stage.needLocations) where maps.contains(need) {
                reader.fail(at: location, "upstream '\(upstream.name)' needs '\(need)', a map (each:): reading a map's answers is not supported")
            }
            guard let each = upstream.stage.each else { continue }
            if upstream.stage.required {
                reader.fail(at: upstream.location, "upstream '\(upstream.name)' has each: and required: true; a map's calls count toward min_ok (e.g. min_ok: 95%) instead")
            }
            if ![MergeSpec.Mode.concat, .sort, .fuse].contains(mergeMode) || complete == .first {
                reader.fail(at: upstream.location, "upstream '\(upstream.name)' has each:, which needs a list merge mode (concat, sort or fuse) and a rule other than first")
            }
            if each.batch > 1, let method, !["POST", "PUT", "PATCH"].contains(method) {
                reader.fail(at: upstream.location, "upstream '\(upstream.name)' sends batches of \(each.batch) items as the request body: match.method must be POST, PUT or PATCH, not \(method)")
            }
            if each.from == .body, let method, !["POST", "PUT", "PATCH"].contains(method) {
                reader.fail(at: upstream.location, "upstream '\(upstream.name)' maps over the client's body: match.method must be POST, PUT or PATCH, not \(method)")
            }
        }
        var attachedSources: [String: String] = [:]
        for upstream in upstreams {
            guard let each = upstream.stage.each, each.attach != nil else { continue }
            let source: String
            switch each.from {
            case .body: source = "body"
            case .upstream(let name): source = name
            }
            if let first = attachedSources[source] {
                reader.fail(at: upstream.location, "upstreams '\(first)' and '\(upstream.name)' both attach to the items of \(source): only one map may attach to a source")
            }
            attachedSources[source] = upstream.name
            if let sourceSpec = upstreams.first(where: { $0.name == source }), !sourceSpec.map.isEmpty {
                reader.fail(at: upstream.location, "upstream '\(upstream.name)' attaches to the items of '\(source)', which has map: (attach works on the items as sent)")
            }
        }
    }
}
