import GatherCore
import GatherCurl

/// An attempt's transfer outcome judged against the route: the state machine's input plus
/// the payload to merge when it succeeded. Built on the transfer thread, so parsing the body
/// happens off the event loops.
struct ClassifiedAttempt {
    var result: AttemptResult
    var payload: AttemptPayload?
    /// Why the attempt failed, for the `error` field of the upstream's report.
    var detail: String?

    /// What the circuit breaker learns: nil for a cancelled attempt (says nothing about the
    /// upstream), false for failures that mean the upstream is unwell (transport, timeout, 5xx,
    /// broken or oversized bodies), true otherwise, 4xx included: that is the caller's fault.
    var healthVerdict: Bool? {
        switch result {
        case .success: return true
        case .failure(.cancelled, _): return nil
        case .failure(.badStatus, let status?): return status < 500
        case .failure: return false
        }
    }

    static func classify(_ response: UpstreamResponse, upstream: UpstreamSpec, passthrough: Bool,
                         extractsItems: Bool) -> ClassifiedAttempt {
        switch response.outcome {
        case .failed(let failure, let message):
            switch failure {
            case .timeout: return ClassifiedAttempt(result: .failure(.timeout, httpStatus: nil), detail: message)
            case .tooLarge:
                return ClassifiedAttempt(result: .failure(.tooLarge, httpStatus: nil),
                                         detail: "answer larger than \(upstream.maxBody) bytes")
            case .transport: return ClassifiedAttempt(result: .failure(.error, httpStatus: nil), detail: message)
            case .cancelled: return ClassifiedAttempt(result: .failure(.cancelled, httpStatus: nil), detail: nil)
            }
        case .completed(let status, let headers, let body):
            guard (200...299).contains(status) else {
                return ClassifiedAttempt(result: .failure(.badStatus, httpStatus: status), detail: nil)
            }
            if passthrough {
                let contentType = headers.first { $0.0 == "content-type" }?.1
                return ClassifiedAttempt(result: .success(httpStatus: status),
                                         payload: .raw(status: status, contentType: contentType, body: body))
            }
            let document: JSONValue
            do {
                document = try JSONParser.parse(body)
            } catch {
                return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status), detail: "not JSON: \(error)")
            }
            guard extractsItems else {
                // Whole-value modes: the upstream's own pointer picks its value (object, vote).
                guard let pointer = upstream.items else {
                    return ClassifiedAttempt(result: .success(httpStatus: status),
                                             payload: .parsed(body: document, items: [], value: nil))
                }
                guard let value = pointer.resolve(in: document) else {
                    return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status),
                                             detail: "pointer \(pointer) is missing")
                }
                return ClassifiedAttempt(result: .success(httpStatus: status),
                                         payload: .parsed(body: document, items: [], value: value))
            }
            switch ItemExtraction.items(from: document, at: upstream.items, map: upstream.map) {
            case .success(let items):
                return ClassifiedAttempt(result: .success(httpStatus: status),
                                         payload: .parsed(body: document, items: items, value: nil))
            case .failure(let error):
                return ClassifiedAttempt(result: .failure(.badBody, httpStatus: status), detail: "\(error)")
            }
        }
    }
}
