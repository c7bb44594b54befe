import Foundation

/// How long a fixture waits before it answers.
public enum FixtureLatency: Sendable, Equatable {
    case none
    case fixed(Duration)
    /// A lognormal distribution fitted to two quantiles, because real service latencies are
    /// right-skewed: most answers are near the median and a long tail reaches the p99.
    case lognormal(median: Duration, p99: Duration)

    /// The z-score of the 99th percentile of a standard normal distribution.
    static let p99ZScore = 2.326

    /// Longest latency a draw can produce; keeps a wild tail draw from stalling a demo for hours.
    static let ceilingNanoseconds: Double = 600 * 1_000_000_000

    /// σ of the underlying normal: ln(p99/median)/2.326 (0 when the quantiles coincide).
    public var sigma: Double {
        guard case let .lognormal(median, p99) = self else { return 0 }
        let m = Double(median.nanoseconds), p = Double(p99.nanoseconds)
        guard m > 0, p > m else { return 0 }
        return log(p / m) / Self.p99ZScore
    }

    /// One latency from two uniform draws in [0, 1) (Box–Muller for the normal deviate).
    /// Both draws are always consumed by the caller, whatever the case, so a backend's
    /// random sequence does not shift when its latency configuration changes.
    public func sample(uniform1: Double, uniform2: Double) -> Duration {
        switch self {
        case .none:
            return .zero
        case let .fixed(value):
            return value
        case let .lognormal(median, _):
            let medianNanos = Double(median.nanoseconds)
            guard medianNanos > 0 else { return .zero }
            let z = Self.standardNormal(uniform1: uniform1, uniform2: uniform2)
            let nanos = min(medianNanos * exp(sigma * z), Self.ceilingNanoseconds)
            return .nanoseconds(Int64(nanos.rounded()))
        }
    }

    /// Box–Muller transform; `1 - u1` keeps the logarithm's argument in (0, 1].
    static func standardNormal(uniform1: Double, uniform2: Double) -> Double {
        let radius = (-2 * log(1 - uniform1)).squareRoot()
        return radius * cos(2 * Double.pi * uniform2)
    }
}
