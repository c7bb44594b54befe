/// Accept the request, then answer only after `duration` (on top of the latency).
public struct FixtureStall: Sendable, Equatable {
    public var rate: Double
    public var duration: Duration

    public init(rate: Double, duration: Duration) {
        self.rate = rate
        self.duration = duration
    }

    public static let never = FixtureStall(rate: 0, duration: .zero)
}
