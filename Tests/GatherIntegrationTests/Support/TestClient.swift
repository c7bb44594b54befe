import Foundation
import GatherCurl

/// A real HTTP client for the tests, on the same libcurl engine the gateway uses upstream.
final class TestClient: Sendable {
    let engine = TransferEngine(threads: 1)
    let port: Int

    init(port: Int) {
        self.port = port
    }

    func request(_ method: String = "GET", _ target: String, headers: [(String, String)] = [],
                 body: [UInt8]? = nil, timeoutMilliseconds: Int = 10_000) async -> TestResponse {
        let request = UpstreamRequest(method: method, url: "http://127.0.0.1:\(port)\(target)", headers: headers,
                                      body: body, timeoutMilliseconds: timeoutMilliseconds,
                                      maxBodyBytes: 64 * 1024 * 1024)
        // The clock stops in the completion, on the engine's thread: a test resumed late (the
        // cooperative pool has as many threads as cores, and other tests' synchronous waits can
        // hold them for seconds) must not count that wait as the gateway's time.
        let started = ContinuousClock.now
        let (response, ended) = await withCheckedContinuation { continuation in
            engine.start(request) { continuation.resume(returning: ($0, ContinuousClock.now)) }
        }
        let elapsed = (ended - started).milliseconds
        switch response.outcome {
        case .completed(let status, let headers, let body):
            return TestResponse(status: status, headers: headers, body: body, elapsedMilliseconds: elapsed)
        case .failed(let failure, let message):
            return TestResponse(status: 0, headers: [("x-test-failure", "\(failure): \(message)")], body: [],
                                elapsedMilliseconds: elapsed)
        }
    }

    func get(_ target: String, headers: [(String, String)] = []) async -> TestResponse {
        await request("GET", target, headers: headers)
    }

    func shutdown() {
        engine.shutdown()
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
