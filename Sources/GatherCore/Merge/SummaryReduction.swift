/// `summary:` — reduces one pointer over the ok upstreams' bodies.
///
/// `sum`, `min`, `max` and `avg` look at numbers only (other values, and numbers beyond
/// Double's range, are skipped); `count` counts the upstreams where the pointer exists,
/// whatever the value. A numeric reducer with no number to reduce gives `null`; `count` then
/// gives `0`. `sum` stays an integer while every value is one and the total fits in 64 bits;
/// `avg` is always a double; `min`/`max` return the winning value as its upstream wrote it.
public enum SummaryReduction {
    public static func reduce(_ specs: [SummarySpec],
                              over contributions: [UpstreamContribution]) -> [(name: String, value: SummaryValue)]? {
        guard !specs.isEmpty else { return nil }
        return specs.map { (name: $0.name, value: value(of: $0, over: contributions)) }
    }

    public static func value(of spec: SummarySpec, over contributions: [UpstreamContribution]) -> SummaryValue {
        var found = 0
        var numbers: [(contribution: Int, position: Int, number: JSONNumber)] = []
        for (index, contribution) in contributions.enumerated() {
            guard let position = contribution.body.resolve(spec.pointer) else { continue }
            found += 1
            if let number = contribution.body.number(position) { numbers.append((index, position, number)) }
        }
        if spec.reducer == .count { return .int(Int64(found)) }
        guard let first = numbers.first else { return .null }
        switch spec.reducer {
        case .sum:
            return sum(numbers.map(\.number))
        case .avg:
            let total = numbers.reduce(0.0) { $0 + $1.number.doubleValue }
            return .double(total / Double(numbers.count))
        case .min:
            let winner = numbers.dropFirst().reduce(first) { JSONNumber.less($1.number, $0.number) ? $1 : $0 }
            return .upstreamValue(contribution: winner.contribution, position: winner.position)
        case .max:
            let winner = numbers.dropFirst().reduce(first) { JSONNumber.less($0.number, $1.number) ? $1 : $0 }
            return .upstreamValue(contribution: winner.contribution, position: winner.position)
        case .count:
            return .int(Int64(found))
        }
    }

    private static func sum(_ numbers: [JSONNumber]) -> SummaryValue {
        var integerTotal: Int64 = 0
        var exact = true
        for number in numbers {
            guard case .int(let value) = number else { exact = false; break }
            let (total, overflow) = integerTotal.addingReportingOverflow(value)
            if overflow { exact = false; break }
            integerTotal = total
        }
        if exact { return .int(integerTotal) }
        return .double(numbers.reduce(0.0) { $0 + $1.doubleValue })
    }
}
