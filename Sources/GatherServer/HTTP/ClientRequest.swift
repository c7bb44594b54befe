import NIOCore
import NIOHTTP1

/// One fully received client request.
struct ClientRequest {
    var head: HTTPRequestHead
    var path: Substring
    var query: Substring
    var body: ByteBuffer?

    init(head: HTTPRequestHead, body: ByteBuffer?) {
        self.head = head
        self.body = body
        let uri = head.uri[...]
        if let mark = Self.endOfPath(uri) {
            path = uri[..<mark]
            let afterPath = uri[uri.index(after: mark)...]
            query = uri[mark] == "?" ? (afterPath.firstIndex(of: "#").map { afterPath[..<$0] } ?? afterPath) : ""
        } else {
            path = uri
            query = ""
        }
    }

    /// The path of a request target, without query or fragment (for the access log of requests
    /// rejected before they were fully received).
    static func path(of uri: String) -> Substring {
        let target = uri[...]
        return endOfPath(target).map { target[..<$0] } ?? target
    }

    /// Where the query or fragment starts. Both marks are ASCII, so a byte scan finds them
    /// without breaking up to 8 KiB of target into grapheme clusters.
    private static func endOfPath(_ target: Substring) -> Substring.Index? {
        target.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
    }
}
