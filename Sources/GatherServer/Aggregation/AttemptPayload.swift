import GatherCore

/// What a successful attempt brought back, kept until the answer is built.
enum AttemptPayload {
    /// A parsed body and the items extracted from it (list modes) for merging.
    case parsed(body: JSONValue, items: [JSONValue])
    /// `complete: first`: the bytes go to the client untouched.
    case raw(status: Int, contentType: String?, body: [UInt8])
}
