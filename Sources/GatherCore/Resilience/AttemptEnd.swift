/// How one attempt ended, as far as the upstream's health is concerned. Each case says what the
/// breaker, the latency window and the replica's latency estimate learn from it.
public enum AttemptEnd: Sendable, Equatable {
    /// The upstream answered and is well (2xx, and also 4xx: that is the caller's fault).
    /// Breaker: success. Window (primaries): the latency. Estimate: the latency.
    case answered(latency: Int64)
    /// A fast failure: transport error, 5xx, a broken or oversized body. Breaker: failure.
    /// Window: nothing (a quick refusal says nothing about how long answers take).
    /// Estimate: the timeout as a penalty, so a failing replica loses traffic.
    case failed
    /// No answer within the attempt's timeout. Breaker: failure. Window (primaries): the elapsed
    /// time, a censored sample that keeps the tail in the window. Estimate: the elapsed time.
    case timedOut(after: Int64)
    /// Aborted unanswered because a sibling attempt of the same upstream won, or the request's
    /// deadline came: the latency would have been at least `after`. Breaker: nothing.
    /// Window (primaries): `after`, a lower bound; without it the window would lose exactly the
    /// slow samples that hedging rescues, its p95 would drift down and hedging would grow.
    /// Estimate: `after`.
    case cutShort(after: Int64)
    /// Aborted because nothing needed it any more (the completion rule was met, the client left)
    /// or never sent: tells nothing. Breaker: frees a half-open trial.
    case abandoned
}
