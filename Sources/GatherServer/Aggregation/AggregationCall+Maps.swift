import GatherCore
import NIOCore

/// What one request keeps for its maps (`each:`), beside the urls and headers of every entry.
struct MapCalls {
    /// Per call entry: its request body (the item, or the batch).
    var bodies: [Int: [UInt8]] = [:]
    /// Per call entry: why it cannot be sent (a value its templates read is missing).
    var problems: [Int: String] = [:]
    /// The client's body, indexed the first time a map reads it.
    var clientBody: JSONDocument?
    /// Per map (route index): the document its items are in and their positions.
    var sources: [Int: (document: JSONDocument, items: [Int])] = [:]
    /// Entries admitted late (later stages, maps' calls) whose primary has been through it.
    var admitted: Set<Int> = []
}

/// A map upstream, when it is due, becomes one call per item or batch: each is rendered here
/// (`{item/…}` from its item), gets its body, and the coordinator turns the map into its calls.
extension AggregationCall {
    func expandMap(_ attempt: AttemptRequest) -> [AggregationCoordinator.Action] {
        let index = attempt.id.upstream
        let route = runtime.route
        let spec = route.upstreams[index]
        guard let each = spec.stage.each else { return [] }
        let document: JSONDocument?
        let sourceName: String
        switch each.from {
        case .body:
            sourceName = "the request body"
            if maps.clientBody == nil, let body { maps.clientBody = try? JSONDocument(indexing: body) }
            document = maps.clientBody
        case .upstream(let name):
            sourceName = name
            if let need = route.upstreams.firstIndex(where: { $0.name == name }),
               case .indexed(let answer)? = coordinator.slots[need].payload {
                document = answer.body
            } else {
                document = nil
            }
        }
        guard let document, let array = document.resolve(each.items), document.kind(array) == .array else {
            let reason = document == nil ? "\(sourceName) is not JSON" : "\(each.items) is not an array in \(sourceName)"
            return coordinator.cannotSend(attempt.id, replica: attempt.replica, detail: "each: \(reason)", admitted: false,
                                          now: now())
        }
        var base = values
        if let problem = DependencyValues.fill(&base, for: UpstreamStage.fromReferences(of: spec), body: { name in
            guard let need = route.upstreams.firstIndex(where: { $0.name == name }),
                  case .indexed(let answer)? = coordinator.slots[need].payload else { return nil }
            return answer.body
        }) {
            return coordinator.cannotSend(attempt.id, replica: attempt.replica, detail: problem.description, admitted: false,
                                          now: now())
        }
        let items = document.elements(of: array)
        maps.sources[index] = (document, items)
        let batches = MapJoin.batches(count: items.count, size: each.batch)
        let itemReferences = Self.itemReferences(of: spec)
        let sendsBody = method == "POST" || method == "PUT" || method == "PATCH"
        var entry = coordinator.slots.count
        for range in batches {
            var callValues = base
            var problem: String?
            if each.batch == 1, let item = items[range].first {
                for reference in itemReferences {
                    switch DependencyValues.scalar(in: document, at: reference.pointer, from: item) {
                    case .success(let text): callValues.upstreamValues[reference] = text
                    case .failure(let reason): problem = problem ?? "item \(range.lowerBound): \(reason)"
                    }
                }
            }
            if problem == nil, case .success(let (rendered, headersRendered)) =
                Self.render(spec, callValues, forwarded: forwarded, identity: identity) {
                var upstreamHeaders = headersRendered
                // The call's body is JSON built here, whatever the client labelled its own (a
                // Content-Type the route file sets still wins).
                if sendsBody, !spec.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                    upstreamHeaders.removeAll { $0.0.lowercased() == "content-type" }
                    upstreamHeaders.append(("Content-Type", "application/json"))
                }
                urls.append(rendered)
                headers.append(upstreamHeaders)
            } else {
                urls.append([])
                headers.append([])
                maps.problems[entry] = problem ?? "item \(range.lowerBound): a template value is missing"
            }
            if sendsBody {
                maps.bodies[entry] = MapJoin.body(document, items: items[range], batched: each.batch > 1, wrap: each.wrap)
            }
            entry += 1
        }
        return coordinator.expand(attempt.id, into: batches.count, now: now())
    }

    /// Later stages, maps' calls and fresh cache hits are admitted when they are sent (a hit only
    /// if it is no longer fresh then), not when the request starts.
    func admitsLate(_ entry: Int) -> Bool {
        coordinator.isMapCall(entry) || (entry < runtime.needIndices.count && !runtime.needIndices[entry].isEmpty)
            || wasHitAtStart(entry)
    }

    /// Whether entry `entry`'s primary holds an admission (taken at the start, or late).
    func wasAdmitted(_ entry: Int) -> Bool {
        !admitsLate(entry) || maps.admitted.contains(entry)
    }

    /// Whether route upstream `entry` had a fresh stored answer when the request started.
    func wasHitAtStart(_ entry: Int) -> Bool {
        entry < hitsAtStart.count && hitsAtStart[entry]
    }

    /// Such a primary goes through its upstream's admission now: the circuit may skip it,
    /// `max_in_flight` may make it wait (parked in the coordinator until granted).
    func admitLate(_ attempt: AttemptRequest) -> [AggregationCoordinator.Action] {
        let entry = attempt.id.upstream
        maps.admitted.insert(entry)
        let index = coordinator.entryUpstream[entry]
        let upstream = runtime.upstreams[index]
        let waiter = upstream.spec.maxInFlight == nil ? nil : grants?.waiter(for: entry, health: index)
        switch upstream.health.admit(now: Int64(NIODeadline.now().uptimeNanoseconds), waiter: waiter) {
        case .send(let replica):
            var admitted = attempt
            admitted.replica = replica
            return [.transfer(admitted)]
        case .skip(let reason):
            return coordinator.cannotSend(attempt.id, replica: attempt.replica, detail: reason.rawValue, admitted: false,
                                          now: now())
        case .queued(let ticket):
            coordinator.park(attempt, ticket: ticket)
            return []
        }
    }

    static func itemReferences(of upstream: UpstreamSpec) -> [TemplateReference] {
        var references: [TemplateReference] = []
        for template in [upstream.url] + upstream.replicas { references += template.references.filter { $0.kind == .item } }
        for header in upstream.headers { references += header.value.references.filter { $0.kind == .item } }
        return references
    }

    /// `price[3]` for a map's fourth call, the upstream's name otherwise.
    func entryName(_ entry: Int) -> String {
        let spec = runtime.route.upstreams[coordinator.entryUpstream[entry]]
        guard let call = coordinator.entryCall[entry] else { return spec.name }
        return "\(spec.name)[\(call)]"
    }

    /// `gather_request_stages` and `gather_request_map_calls`, for routes that have stages.
    func recordStages() {
        guard runtime.stageDepth > 1 || runtime.hasMaps else { return }
        let outcomes = coordinator.machine.outcomes
        runtime.metrics.stages.record(Double(StageDepth.reached(stages: runtime.upstreamStages, outcomes: outcomes)))
        if runtime.hasMaps {
            runtime.metrics.mapCalls.record(Double(outcomes.count - runtime.route.upstreams.count))
        }
    }

    func mapAnswerInput() -> MapAnswerInput {
        MapAnswerInput(entryUpstream: coordinator.entryUpstream, entryCall: coordinator.entryCall, sources: maps.sources)
    }
}
