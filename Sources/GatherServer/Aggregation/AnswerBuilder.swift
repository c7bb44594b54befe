import GatherCore
import NIOCore
import NIOHTTP1

/// Builds the client's answer once the fan-out is finished: the winner's bytes for
/// `complete: first`, otherwise the merged envelope.
struct AnswerBuilder {
    let runtime: RouteRuntime
    let identity: RequestIdentity
    let outcomes: [UpstreamOutcome]
    let slots: [UpstreamSlot]
    let status: Int
    /// Per upstream, for those with a cache: how it was served (see `CallCache.prepareAnswer`).
    var cacheNotes: [CacheNote?]? = nil
    /// Maps (`each:`) of this request, when the route has any.
    var maps = MapAnswerInput()

    /// The answer and the per-upstream reports it was built from (for metrics).
    func build(allocator: ByteBufferAllocator) -> (response: JSONResponse, reports: [UpstreamReport]) {
        let route = runtime.route
        if route.complete == .first, let winner = outcomes.firstIndex(where: { $0.status == .ok }),
           case .raw(let upstreamStatus, let contentType, let body, let contentEncoding)? = slots[winner].payload {
            let reports = reports(counts: nil)
            var headers = HTTPHeaders()
            headers.reserveCapacity(10)
            if let contentType { headers.add(name: "Content-Type", value: contentType) }
            // Encoded only for a client that accepted the coding: the answer varies with it.
            if let contentEncoding { headers.add(name: "Content-Encoding", value: contentEncoding) }
            headers.add(name: "Vary", value: "Accept-Encoding")
            headers.add(name: "Gather-Winner", value: route.upstreams[winner].name)
            headers.add(name: "Gather-Partial", value: "false")
            if reports.contains(where: { $0.cache == .stale }) { headers.add(name: "Gather-Stale", value: "true") }
            headers.add(name: "Server-Timing", value: ServerTimingHeader.value(reports))
            headers.add(name: "X-Request-Id", value: identity.requestID)
            let response = JSONResponse(status: HTTPResponseStatus(statusCode: upstreamStatus), headers: headers,
                                        body: allocator.buffer(bytes: body), upstreams: reports,
                                        winner: route.upstreams[winner].name)
            return (response, reports)
        }
        return envelopeResponse(allocator: allocator)
    }

    private func envelopeResponse(allocator: ByteBufferAllocator) -> (response: JSONResponse, reports: [UpstreamReport]) {
        let route = runtime.route
        let (contributions, contributors) = contributions()
        var counts: [Int?] = Array(repeating: nil, count: outcomes.count)
        let envelope: Envelope
        if let stage = runtime.mergeStage {
            let merged = stage.merge(contributions)
            for (position, index) in contributors.enumerated() where position < merged.counts.count {
                counts[index] = merged.counts[position]
            }
            envelope = Envelope(merged, mergesItems: route.merge.mode.mergesItems, upstreams: reports(counts: counts))
        } else {
            // `complete: first` with no winner: the envelope says why.
            envelope = Envelope(payload: .items(.empty), upstreams: reports(counts: counts))
        }
        var writer = JSONWriter(buffer: allocator.buffer(capacity: 4096))
        EnvelopeWriter.write(envelope, into: &writer)
        var headers = HTTPHeaders()
        // These, Content-Length and Content-Encoding or Connection (GatewayHandler.send): one allocation.
        headers.reserveCapacity(9)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Gather-Partial", value: envelope.partial ? "true" : "false")
        if envelope.stale { headers.add(name: "Gather-Stale", value: "true") }
        headers.add(name: "Server-Timing", value: ServerTimingHeader.value(envelope.upstreams))
        headers.add(name: "X-Request-Id", value: identity.requestID)
        // Gzipped or not by the client's Accept-Encoding (GatewayHandler): caches keep them apart.
        headers.add(name: "Vary", value: "Accept-Encoding")
        let response = JSONResponse(status: HTTPResponseStatus(statusCode: status), headers: headers,
                                    body: writer.buffer, upstreams: envelope.upstreams,
                                    partial: envelope.partial, compressible: true)
        return (response, envelope.upstreams)
    }

    private func reports(counts: [Int?]?) -> [UpstreamReport] {
        if outcomes.count > runtime.route.upstreams.count || runtime.hasMaps { return entryReports(counts: counts) }
        return runtime.route.upstreams.indices.map { index in
            var report = UpstreamReports.report(runtime: runtime, index: index, outcome: outcomes[index],
                                                count: counts?[index], detail: slots[index].detail)
            if let note = cacheNotes?[index] { note.apply(to: &report) }
            return report
        }
    }
}
