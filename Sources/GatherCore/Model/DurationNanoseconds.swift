extension Duration {
    /// Whole nanoseconds, saturating; the fan-out machine keeps time as Int64 nanoseconds.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }
}
