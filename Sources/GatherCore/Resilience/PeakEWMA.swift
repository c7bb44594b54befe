import Foundation

/// One replica's latency estimate for the replica picker, "peak EWMA" as in Finagle and Linkerd:
/// a sample above the estimate replaces it at once (a replica turning slow is believed
/// immediately), a lower sample is blended in with weight 1 − e^(−Δt/τ), Δt being the time since
/// the last update. Reading decays the estimate toward 0 the same way, so a replica penalised
/// into disuse looks cheap again after a few τ and receives a probe that re-measures it.
///
/// Time-based rather than a per-sample alpha: the estimate remembers the same τ of wall time at
/// 10 and at 10 000 requests a second, and an idle replica keeps decaying, which a per-sample
/// weight (frozen between samples) cannot do. τ = 10 s follows Finagle's default decay.
public struct PeakEWMA: Sendable, Equatable {
    public static let defaultDecay: Int64 = 10_000_000_000

    /// τ in nanoseconds (at least 1).
    public let decay: Int64
    /// Nanoseconds as of `updatedAt`; meaningless until `hasSample`.
    public private(set) var value: Double = 0
    public private(set) var updatedAt: Int64 = 0
    public private(set) var hasSample = false

    public init(decay: Int64 = PeakEWMA.defaultDecay) {
        self.decay = max(1, decay)
    }

    /// Takes one latency (ns, negative counts as 0) observed at `now`.
    public mutating func observe(_ sample: Int64, now: Int64) {
        let sample = Double(max(0, sample))
        guard hasSample else {
            hasSample = true
            value = sample
            updatedAt = now
            return
        }
        let current = estimate(now: now) ?? 0
        value = sample >= current ? sample : current + (sample - current) * (1 - retained(since: updatedAt, now: now))
        updatedAt = max(updatedAt, now)
    }

    /// The estimate at `now`, decayed toward 0 since the last sample; nil before any sample.
    public func estimate(now: Int64) -> Double? {
        guard hasSample else { return nil }
        return value * retained(since: updatedAt, now: now)
    }

    /// e^(−Δt/τ); a clock that ran backwards counts as no time.
    private func retained(since then: Int64, now: Int64) -> Double {
        let elapsed = now > then ? Double(now - then) : 0
        return exp(-elapsed / Double(decay))
    }
}
