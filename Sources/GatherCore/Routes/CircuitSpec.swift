/// `circuit: { failures: 5, cooldown: 5s }`: open after `failures` consecutive failures;
/// while open the upstream is `skipped`; after `cooldown` one trial attempt is let through.
public struct CircuitSpec: Sendable, Equatable {
    public var failures: Int
    public var cooldown: Duration

    public static let defaultFailures = 5
    public static let defaultCooldown: Duration = .seconds(5)

    public init(failures: Int = CircuitSpec.defaultFailures, cooldown: Duration = CircuitSpec.defaultCooldown) {
        self.failures = failures
        self.cooldown = cooldown
    }
}
