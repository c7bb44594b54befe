import Foundation
import Synchronization
@testable import GatherCurl

/// Starts a request and waits for its completion.
func fetch(_ engine: TransferEngine, _ request: UpstreamRequest) async -> UpstreamResponse {
    await withCheckedContinuation { continuation in
        engine.start(request) { continuation.resume(returning: $0) }
    }
}

/// Collects completions from transfer threads; counts them to prove "exactly once".
final class CompletionRecorder: Sendable {
    private let responses = Mutex<[UpstreamResponse]>([])

    func record(_ response: UpstreamResponse) {
        responses.withLock { $0.append(response) }
    }

    var all: [UpstreamResponse] { responses.withLock { $0 } }
    var count: Int { responses.withLock { $0.count } }

    func waitForCount(_ expected: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if count >= expected {
                return true
            }
            usleep(2_000)
        }
        return count >= expected
    }
}

extension UpstreamResponse {
    var status: Int? {
        if case .completed(let status, _, _) = outcome { return status }
        return nil
    }

    var headers: [(String, String)] {
        if case .completed(_, let headers, _) = outcome { return headers }
        return []
    }

    var bodyText: String? {
        if case .completed(_, _, let body) = outcome { return String(decoding: body, as: UTF8.self) }
        return nil
    }

    var bodyBytes: [UInt8]? {
        if case .completed(_, _, let body) = outcome { return body }
        return nil
    }

    var failure: TransferFailure? {
        if case .failed(let failure, _) = outcome { return failure }
        return nil
    }

    var failureMessage: String {
        if case .failed(_, let message) = outcome { return message }
        return ""
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0 == name }?.1
    }

    /// The echo endpoint's JSON, decoded.
    var echo: [String: Any]? {
        guard let bodyBytes else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bodyBytes))) as? [String: Any]
    }
}
