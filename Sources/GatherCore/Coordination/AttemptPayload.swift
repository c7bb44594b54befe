/// What a successful attempt brought back, kept until the answer is built.
public enum AttemptPayload: Sendable {
    /// An indexed body with its items (list modes) or its value at the upstream's `items`
    /// pointer (object and vote modes, nil when the whole body is the value).
    case indexed(UpstreamAnswer)
    /// `complete: first`: the bytes go to the client untouched, still in their Content-Encoding
    /// when the client accepted it (nil: identity, or decoded by gather).
    case raw(status: Int, contentType: String?, body: [UInt8], contentEncoding: String? = nil)
}
