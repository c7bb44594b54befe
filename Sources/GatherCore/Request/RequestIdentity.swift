/// The request id and W3C trace context a gateway request carries upstream.
public struct RequestIdentity: Sendable, Equatable {
    public var requestID: String
    public var traceparent: String

    public init(requestID: String, traceparent: String) {
        self.requestID = requestID
        self.traceparent = traceparent
    }

    /// Keeps a client's id when it is printable and short (it is echoed into headers and logs),
    /// otherwise makes one. A valid client `traceparent` keeps its trace id and gets a new parent
    /// span id: gather is a hop in the trace.
    public static func make<G: RandomNumberGenerator>(clientRequestID: String?, clientTraceparent: String?,
                                                      using generator: inout G) -> RequestIdentity {
        let requestID: String
        if let clientRequestID, isAcceptableRequestID(clientRequestID) {
            requestID = clientRequestID
        } else {
            requestID = hex(generator.next(), generator.next())
        }
        let span = hex(generator.next())
        let traceID: String
        let flags: String
        if let parsed = clientTraceparent.flatMap(parseTraceparent) {
            traceID = parsed.traceID
            flags = parsed.flags
        } else {
            traceID = hex(generator.next(), generator.next())
            flags = "01"
        }
        return RequestIdentity(requestID: requestID, traceparent: "00-\(traceID)-\(span)-\(flags)")
    }

    static func isAcceptableRequestID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`; all-zero ids are invalid.
    static func parseTraceparent(_ value: String) -> (traceID: String, flags: String)? {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].utf8.count == 32, parts[2].utf8.count == 16,
              parts[3].utf8.count == 2,
              parts[1...3].allSatisfy({ $0.utf8.allSatisfy(isLowerHex) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return (String(parts[1]), String(parts[3]))
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
    }

    private static func hex(_ words: UInt64...) -> String {
        var text = ""
        text.reserveCapacity(words.count * 16)
        for word in words {
            let digits = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return text
    }
}
