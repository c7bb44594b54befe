public enum TransferOutcome: Sendable {
    /// A complete HTTP response of any status. Header names are lowercased and in arrival order;
    /// with 1xx interim responses only the final response's headers are kept.
    case completed(status: Int, headers: [(String, String)], body: [UInt8])
    /// No complete response; `message` is libcurl's error text or the engine's reason.
    case failed(TransferFailure, message: String)
}
