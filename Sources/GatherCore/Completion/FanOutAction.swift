/// Work for the I/O layer, in the order it should be done.
public enum FanOutAction: Sendable, Equatable {
    case send(AttemptRequest)
    /// Stop the attempt and drop its connection; its result, if one still arrives, is ignored.
    case abort(AttemptID)
    /// Answer the client now; always the last action of its list.
    case finish
}
