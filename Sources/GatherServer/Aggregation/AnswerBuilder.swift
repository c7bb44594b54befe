import GatherCore
import NIOCore
import NIOHTTP1

/// Builds the client's answer once the fan-out is finished: the winner's bytes for
/// `complete: first`, otherwise the merged envelope.
struct AnswerBuilder {
    let runtime: RouteRuntime
    let identity: RequestIdentity
    let outcomes: [UpstreamOutcome]
    let payloads: [AttemptPayload?]
    let details: [String?]
    let status: Int

    func build(allocator: ByteBufferAllocator) -> JSONResponse {
        let route = runtime.route
        if route.complete == .first, let winner = winnerIndex,
           case .raw(let upstreamStatus, let contentType, let body)? = payloads[winner] {
            var headers = HTTPHeaders()
            if let contentType { headers.add(name: "Content-Type", value: contentType) }
            headers.add(name: "Gather-Winner", value: route.upstreams[winner].name)
            headers.add(name: "Gather-Partial", value: "false")
            headers.add(name: "Server-Timing", value: ServerTimingHeader.value(reports(counts: nil)))
            headers.add(name: "X-Request-Id", value: identity.requestID)
            return JSONResponse(status: HTTPResponseStatus(statusCode: upstreamStatus), headers: headers,
                                body: allocator.buffer(bytes: body))
        }
        return envelopeResponse(allocator: allocator)
    }

    private var winnerIndex: Int? {
        outcomes.firstIndex { $0.status == .ok }
    }

    private func envelopeResponse(allocator: ByteBufferAllocator) -> JSONResponse {
        let route = runtime.route
        var contributions: [UpstreamContribution] = []
        var contributors: [Int] = []
        for (index, outcome) in outcomes.enumerated() where outcome.status == .ok {
            guard case .parsed(let body, let items)? = payloads[index] else { continue }
            let spec = route.upstreams[index]
            contributions.append(UpstreamContribution(name: spec.name, items: items, body: body,
                                                      weight: spec.weight, group: spec.group))
            contributors.append(index)
        }
        var counts: [Int?] = Array(repeating: nil, count: outcomes.count)
        let envelope: Envelope
        if let stage = runtime.mergeStage {
            let merged = stage.merge(contributions)
            for (position, index) in contributors.enumerated() where position < merged.counts.count {
                counts[index] = merged.counts[position]
            }
            let reports = reports(counts: counts)
            if let data = merged.data, merged.items == nil {
                envelope = Envelope(data: data, upstreams: reports, summary: merged.summary)
            } else {
                envelope = Envelope(items: merged.items ?? [], upstreams: reports, summary: merged.summary)
            }
        } else if route.merge.mode.mergesItems || route.complete == .first {
            envelope = Envelope(items: [], upstreams: reports(counts: counts))
        } else {
            envelope = Envelope(data: .null, upstreams: reports(counts: counts))
        }
        var writer = JSONWriter()
        EnvelopeWriter.write(envelope, into: &writer)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Gather-Partial", value: envelope.partial ? "true" : "false")
        headers.add(name: "Server-Timing", value: ServerTimingHeader.value(envelope.upstreams))
        headers.add(name: "X-Request-Id", value: identity.requestID)
        return JSONResponse(status: HTTPResponseStatus(statusCode: status), headers: headers,
                            body: allocator.buffer(bytes: writer.bytes))
    }

    private func reports(counts: [Int?]?) -> [UpstreamReport] {
        runtime.route.upstreams.indices.map { index in
            let outcome = outcomes[index]
            let status = outcome.status ?? .cancelled
            return UpstreamReport(
                name: runtime.route.upstreams[index].name,
                status: status,
                httpStatus: outcome.httpStatus,
                ms: Double(outcome.finishedAt ?? 0) / 1_000_000,
                attempts: outcome.attempts,
                hedged: outcome.hedged,
                wonBy: outcome.wonBy,
                count: status == .ok ? counts?[index] : nil,
                error: status == .ok || status == .cancelled ? nil : details[index])
        }
    }
}
