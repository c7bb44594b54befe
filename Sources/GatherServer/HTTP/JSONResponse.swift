import GatherCore
import NIOCore
import NIOHTTP1

/// A complete response: status, headers and body, written in one go.
struct JSONResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// For the access log: an aggregated answer's upstreams (route order), whether it is
    /// partial, and for `complete: first` the winner. Empty / false / nil for errors.
    var upstreams: [UpstreamReport] = []
    var partial = false
    var winner: String?
    /// The JSON envelope of an aggregated answer: gzipped for clients that accept it when larger
    /// than `--gzip-min`, and sent with `Vary: Accept-Encoding` either way.
    var compressible = false

    static func error(_ status: HTTPResponseStatus, _ message: String,
                      allocator: ByteBufferAllocator, extraHeaders: [(String, String)] = []) -> JSONResponse {
        var headers = HTTPHeaders(extraHeaders)
        headers.add(name: "Content-Type", value: "application/json")
        return JSONResponse(status: status, headers: headers,
                            body: allocator.buffer(bytes: ErrorBody.json(message)))
    }
}
