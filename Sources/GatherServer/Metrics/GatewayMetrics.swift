import GatherCore

/// The gateway's counters and histograms, exported on the admin listener's `/metrics`.
final class GatewayMetrics: Sendable {
    init() {}

    /// One answered client request of `route` (`status` is the HTTP status sent).
    func recordAnswer(route: String, status: Int, partial: Bool, durationNanoseconds: Int64,
                      upstreams: [UpstreamReport]) {}

    /// A request answered without a fan-out: 404, 405, 400, 413, 503 shed, …
    func recordRejected(status: Int) {}
}
