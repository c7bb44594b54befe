import CCurl
import CCurlShim

/// One transfer's state. Created by `TransferEngine.start` on the caller's thread; from then on
/// touched only by its transfer thread (the inbox lock orders the hand-over). Its pointer is
/// CURLOPT_PRIVATE and the write/header callbacks' userdata, unretained: the thread's active
/// list keeps it alive while libcurl may call back.
// @unchecked: its mutable state and C pointers are touched only on its transfer thread (or before it is posted there).
final class Transfer: @unchecked Sendable {
    enum State {
        case queued
        case active
        case finished
    }

    let request: UpstreamRequest
    /// Nil only when the engine had no thread to give it to.
    let thread: TransferThread?
    let startedNanos: UInt64
    private var completion: (@Sendable (UpstreamResponse) -> Void)?

    var state = State.queued
    var easy: PooledEasyHandle?
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// Position in the thread's active list, for O(1) removal.
    var activeIndex = -1
    /// Set by `EasyHandleSetup` once a plain GET (no body, no fresh connection) is fully set up.
    var isPlainGet = false
    /// The host whose HTTP/2 stream slots this transfer takes (`StreamSlots`); nil for others.
    var streamHost: String?
    /// Whether it holds one of those slots now (it is running, or about to).
    var holdsStreamSlot = false

    private(set) var headers: [(String, String)] = []
    /// Header lines most answers carry (nginx sends 5, proxies add a few).
    static let usualHeaderCount = 12
    private(set) var body: [UInt8] = []
    /// Set when the body (declared or received) passed `maxBodyBytes`: the CURLE_WRITE_ERROR
    /// that follows is ours, not the network's.
    private(set) var limitExceeded = false
    private var statusCode = 0
    private var bodyStarted = false
    private let maxBodyBytes: Int
    private let isHead: Bool

    init(request: UpstreamRequest, thread: TransferThread?, completion: @escaping @Sendable (UpstreamResponse) -> Void) {
        self.request = request
        self.thread = thread
        self.completion = completion
        self.startedNanos = gather_monotonic_nanos()
        self.maxBodyBytes = max(0, request.maxBodyBytes)
        self.isHead = request.method == "HEAD"
    }

    /// Header callback: false aborts the transfer.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        switch ResponseHeaderLine.parse(line, keepingFields: request.keepsHeaders) {
        case .statusLine(let code):
            // A new response starts: an interim 1xx one's headers are dropped.
            statusCode = code
            headers.removeAll(keepingCapacity: true)
            // Room for a usual header block at once, rather than regrowing it 1, 2, 4, 8.
            if request.keepsHeaders, headers.capacity < Transfer.usualHeaderCount {
                headers.reserveCapacity(Transfer.usualHeaderCount)
            }
        case .field(let name, let value):
            if bodyStarted {
                return true  // chunked trailers are not response headers
            }
            if name == "content-length", expectsBody, let declared = ResponseHeaderLine.contentLength(value) {
                if declared > maxBodyBytes {
                    limitExceeded = true
                    return false
                }
                body.reserveCapacity(min(declared, Transfer.largestReservation))
            }
            if request.keepsHeaders { headers.append((name, value)) }
        case .skippedField:
            break
        case .continuation(let more):
            if !bodyStarted, let last = headers.indices.last {
                headers[last].1 += " " + more
            }
        case .blank, .malformed:
            break
        }
        return true
    }

    /// Write callback: false aborts the transfer.
    func receiveBody(_ data: UnsafeRawBufferPointer) -> Bool {
        bodyStarted = true
        guard data.count <= maxBodyBytes - body.count else {
            limitExceeded = true
            return false
        }
        if let base = data.baseAddress {
            body.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: data.count))
        }
        return true
    }

    /// Hands out what was received, leaving the transfer empty (no copy).
    func takeResponseParts() -> (headers: [(String, String)], body: [UInt8]) {
        var takenHeaders: [(String, String)] = []
        var takenBody: [UInt8] = []
        swap(&takenHeaders, &headers)
        swap(&takenBody, &body)
        return (takenHeaders, takenBody)
    }

    /// The completion, at most once.
    func takeCompletion() -> (@Sendable (UpstreamResponse) -> Void)? {
        let taken = completion
        completion = nil
        return taken
    }

    var elapsedMilliseconds: Double {
        Double(gather_monotonic_nanos() &- startedNanos) / 1_000_000
    }

    /// HEAD answers and 1xx/204/304 declare lengths of bodies that never come.
    private var expectsBody: Bool {
        !isHead && statusCode >= 200 && statusCode != 204 && statusCode != 304
    }

    /// Content-Length is trusted for one up-front allocation only up to this much.
    private static let largestReservation = 16 * 1024 * 1024
}
