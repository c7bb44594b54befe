import GatherCore

/// Dependent upstreams: a request whose templates read `{from.NAME/POINTER}` is rendered when
/// its needs are ok, from their bodies; the client's own values are checked up front, so a
/// missing query parameter is still a 400 before anything is sent.
extension AggregationCall {
    /// For a dependent that reads earlier answers: the first client value it lacks, if any.
    static func deferredRendering(of upstream: UpstreamSpec, _ values: TemplateValues) -> MissingTemplateValue? {
        guard !upstream.stage.needs.isEmpty || upstream.stage.each != nil else { return nil }
        var references: [TemplateReference] = []
        for template in [upstream.url] + upstream.replicas { references += template.references }
        for header in upstream.headers { references += header.value.references }
        for reference in references where reference.kind != .from && reference.kind != .item
            && values.value(for: reference) == nil {
            return MissingTemplateValue(reference: reference)
        }
        return nil
    }

    /// Renders upstream `index` from its needs' answers; the reason when a value is missing or
    /// not a scalar.
    func renderDependent(_ index: Int) -> DependencyValues.Problem? {
        let route = runtime.route
        let spec = route.upstreams[index]
        var filled = values
        let problem = DependencyValues.fill(&filled, for: UpstreamStage.fromReferences(of: spec)) { name in
            guard let need = route.upstreams.firstIndex(where: { $0.name == name }),
                  case .indexed(let answer)? = coordinator.slots[need].payload else { return nil }
            return answer.body
        }
        if let problem { return problem }
        switch Self.render(spec, filled, forwarded: forwarded, identity: identity) {
        case .success(let (rendered, upstreamHeaders)):
            urls[index] = rendered
            headers[index] = upstreamHeaders
            cached?.rendered(index, urls: rendered, headers: upstreamHeaders)
            return nil
        case .failure(let missing):
            return DependencyValues.Problem(upstream: spec.name, reason: missing.description)
        }
    }
}
