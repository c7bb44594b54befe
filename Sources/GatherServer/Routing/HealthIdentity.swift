import GatherCore

/// What an upstream's live health describes: the same backends under the same limits. Two specs
/// with equal identities can share one `UpstreamHealth` across a reload.
struct HealthIdentity: Equatable {
    let name: String
    let urls: [String]
    let timeout: Duration
    let hedge: HedgeSpec?
    let retry: RetrySpec?
    let circuit: CircuitSpec?
    let maxInFlight: Int?

    init(_ spec: UpstreamSpec) {
        name = spec.name
        urls = ([spec.url] + spec.replicas).map(\.source)
        timeout = spec.timeout
        hedge = spec.hedge
        retry = spec.retry
        circuit = spec.circuit
        maxInFlight = spec.maxInFlight
    }
}
