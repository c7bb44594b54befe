/// Answer with a body of `bytes` bytes instead of the configured one.
public struct FixtureOversized: Sendable, Equatable {
    public var rate: Double
    public var bytes: Int

    public init(rate: Double, bytes: Int = 16 * 1024 * 1024) {
        self.rate = rate
        self.bytes = bytes
    }

    public static let never = FixtureOversized(rate: 0, bytes: 0)
}
