/// Nanosecond arithmetic that clamps instead of trapping: plan durations come from user
/// files and a huge one must mean "never", not a crash.
enum SaturatingTime {
    static func add(_ time: Int64, _ delta: Int64) -> Int64 {
        let (sum, overflow) = time.addingReportingOverflow(delta)
        if overflow { return delta > 0 ? .max : .min }
        return sum
    }

    static func subtract(_ time: Int64, _ delta: Int64) -> Int64 {
        let (difference, overflow) = time.subtractingReportingOverflow(delta)
        if overflow { return delta > 0 ? .min : .max }
        return difference
    }
}
