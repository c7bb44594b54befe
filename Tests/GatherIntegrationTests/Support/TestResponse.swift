import GatherCore

/// A gateway answer as a test sees it.
struct TestResponse {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]
    let elapsedMilliseconds: Double

    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0 == lowered }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    var json: JSONValue? { try? JSONParser.parse(body) }

    subscript(pointer: String) -> JSONValue? {
        guard let json, let parsed = JSONPointer(pointer) else { return nil }
        return parsed.resolve(in: json)
    }

    /// The `status` string the envelope reports for an upstream.
    func upstreamStatus(_ name: String) -> String? {
        self["/upstreams/\(name)/status"]?.stringValue
    }
}
