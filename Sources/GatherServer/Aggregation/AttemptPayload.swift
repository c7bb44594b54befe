import GatherCore

/// What a successful attempt brought back, kept until the answer is built.
enum AttemptPayload {
    /// A parsed body; the items extracted from it (list modes), or the value at the upstream's
    /// `items` pointer (object and vote modes, nil when the whole body is the value).
    case parsed(body: JSONValue, items: [JSONValue], value: JSONValue?)
    /// `complete: first`: the bytes go to the client untouched.
    case raw(status: Int, contentType: String?, body: [UInt8])
}
