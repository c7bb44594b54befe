import GatherCore
import GatherCurl

/// An attempt's transfer outcome judged against the route: the state machine's input plus
/// the payload to merge when it succeeded. Built on the transfer thread, so parsing the body
/// happens off the event loops.
struct ClassifiedAttempt {
    var result: FanOut.AttemptResult
    var payload: AttemptPayload?
    /// Why the attempt failed, for the `error` field of the upstream's report.
    var detail: String?

    /// What the upstream's health learns from this attempt, `elapsed` ns after it was sent.
    /// Failures that mean the upstream is unwell (transport, 5xx, broken or oversized bodies)
    /// are `failed`; a 4xx is an answer: that is the caller's fault. A cancelled transfer means
    /// what the machine aborted it for (`abortReason`, nil when it was not the machine).
    func healthEnd(elapsed: Int64, abortReason: AttemptAbortReason?) -> AttemptEnd {
        switch result {
        case .success: return .answered(latency: elapsed)
        case .failure(.cancelled, _):
            switch abortReason {
            case .timedOut?: return .timedOut(after: elapsed)
            case .overtaken?, .deadline?: return .cutShort(after: elapsed)
            case .notNeeded?, nil: return .abandoned
            }
        case .failure(.timeout, _): return .timedOut(after: elapsed)
        case .failure(.badStatus, let status?) where status < 500: return .answered(latency: elapsed)
        case .failure: return .failed
        }
    }

    /// `passEncoded`: the transfer left the body encoded, so its Content-Encoding describes
    /// these bytes (when libcurl decoded them the header is still there, and not passed on).
    static func classify(_ response: UpstreamResponse, upstream: UpstreamSpec, passthrough: Bool,
                         passEncoded: Bool = false, extractsItems: Bool) -> ClassifiedAttempt {
        switch response.outcome {
        case .failed(let failure, let message):
            switch failure {
            case .timeout: return ClassifiedAttempt(result: .failure(.timeout, httpStatus: nil), detail: message)
            case .tooLarge:
                return ClassifiedAttempt(result: .failure(.tooLarge, httpStatus: nil),
                                         detail: "answer larger than \(upstream.maxBody) bytes")
            case .transport: return ClassifiedAttempt(result: .failure(.error, httpStatus: nil), detail: message)
            // Shown only when nothing else settled the upstream (a drain that ended, say): an
            // abort the machine asked for is reported by the machine.
            case .cancelled: return ClassifiedAttempt(result: .failure(.cancelled, httpStatus: nil), detail: message)
            }
        case .completed(let status, let headers, let body):
            guard (200...299).contains(status) else {
                return ClassifiedAttempt(result: .failure(.badStatus, httpStatus: status), detail: nil)
            }
            if passthrough {
                let contentType = headers.first { $0.0 == "content-type" }?.1
                let contentEncoding = passEncoded ? headers.first { $0.0 == "content-encoding" }?.1 : nil
                return ClassifiedAttempt(result: .success(httpStatus: status),
                                         payload: .raw(status: status, contentType: contentType, body: body,
                                                       contentEncoding: contentEncoding))
            }
            let document: JSONDocument
            do {
                document = try JSONDocument(indexing: body)
            } catch {
                return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status), detail: "not JSON: \(error)")
            }
            guard extractsItems else {
                // Whole-value modes: the upstream's own pointer picks its value (object, vote).
                guard let pointer = upstream.items else {
                    return ClassifiedAttempt(result: .success(httpStatus: status),
                                             payload: .indexed(UpstreamAnswer(body: document)))
                }
                guard let value = document.resolve(pointer) else {
                    return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status),
                                             detail: "pointer \(pointer) is missing")
                }
                return ClassifiedAttempt(result: .success(httpStatus: status),
                                         payload: .indexed(UpstreamAnswer(body: document, value: value)))
            }
            switch ItemExtraction.answer(from: document, at: upstream.items, map: upstream.map) {
            case .success(let answer):
                return ClassifiedAttempt(result: .success(httpStatus: status), payload: .indexed(answer))
            case .failure(let error):
                return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status), detail: "\(error)")
            }
        }
    }
}
