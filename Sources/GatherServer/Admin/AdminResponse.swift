import NIOHTTP1

/// One complete admin answer.
struct AdminResponse {
    static let json = "application/json"
    static let prometheusText = "text/plain; version=0.0.4; charset=utf-8"
    static let html = "text/html; charset=utf-8"

    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    /// The `Allow` header of a 405.
    var allow = "GET"
}
