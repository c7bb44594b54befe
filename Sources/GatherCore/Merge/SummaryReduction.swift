/// `summary:` — reduces one pointer over the ok upstreams' bodies.
///
/// `sum`, `min`, `max` and `avg` look at numbers only (other values are skipped); `count`
/// counts the upstreams where the pointer exists, whatever the value. A numeric reducer with
/// no number to reduce gives `null`; `count` then gives `0`.
/// `sum` stays an integer while every value is one and the total fits in 64 bits; `avg` is
/// always a double; `min`/`max` return the winning value as it was written.
public enum SummaryReduction {
    public static func reduce(_ specs: [SummarySpec],
                              over contributions: [UpstreamContribution]) -> [(name: String, value: JSONValue)]? {
        guard !specs.isEmpty else { return nil }
        return specs.map { (name: $0.name, value: value(of: $0, over: contributions)) }
    }

    public static func value(of spec: SummarySpec, over contributions: [UpstreamContribution]) -> JSONValue {
        let found = contributions.compactMap { spec.pointer.resolve(in: $0.body) }
        if spec.reducer == .count { return .int(Int64(found.count)) }
        let numbers = found.filter { $0.numberValue != nil }
        guard !numbers.isEmpty else { return .null }
        switch spec.reducer {
        case .sum:
            return sum(numbers)
        case .avg:
            let total = numbers.reduce(0.0) { $0 + ($1.numberValue ?? 0) }
            return .double(total / Double(numbers.count))
        case .min:
            return numbers.dropFirst().reduce(numbers[0]) { NumberOrder.less($1, $0) ? $1 : $0 }
        case .max:
            return numbers.dropFirst().reduce(numbers[0]) { NumberOrder.less($0, $1) ? $1 : $0 }
        case .count:
            return .int(Int64(found.count))
        }
    }

    private static func sum(_ numbers: [JSONValue]) -> JSONValue {
        var integerTotal: Int64 = 0
        var exact = true
        for number in numbers {
            guard case .int(let value) = number else { exact = false; break }
            let (total, overflow) = integerTotal.addingReportingOverflow(value)
            if overflow { exact = false; break }
            integerTotal = total
        }
        if exact { return .int(integerTotal) }
        return .double(numbers.reduce(0.0) { $0 + ($1.numberValue ?? 0) })
    }
}
