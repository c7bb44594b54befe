/// Why the machine aborted an attempt (`FanOut.Action.abort`); read it with
/// `FanOut.abortReason(of:)`. The driver needs it to tell the upstream's health what the abort
/// means: a timeout is a failure, an overtaken primary is a slow sample, the rest is nothing.
public enum AttemptAbortReason: Sendable, Equatable {
    /// Its own timeout passed without an answer.
    case timedOut
    /// Another attempt of the same upstream answered first.
    case overtaken
    /// The request's deadline came first.
    case deadline
    /// The request needs nothing more: its completion rule was met, or the client left.
    case notNeeded
}
