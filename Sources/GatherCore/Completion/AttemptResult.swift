/// How one attempt ended, as judged by the I/O layer.
public enum AttemptResult: Sendable, Equatable {
    case success(httpStatus: Int)
    /// `.ok`, `.cancelled` and `.skipped` are not failures; the machine reads them as `.error`.
    case failure(UpstreamStatus, httpStatus: Int?)
}
