import Yams

/// `needs:`, `{from.NAME/POINTER}` and `required:`: the route's upstreams form a DAG, checked
/// once every upstream of the route is known.
extension RouteFileParser {
    static let stageKeys = ["needs", "required"]

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
