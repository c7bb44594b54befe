/// How many upstreams answer and how many items (results, or object members) each brings.
struct BenchShape: Hashable {
    var upstreams: Int
    var items: Int

    var totalItems: Int { upstreams * items }
    var label: String { "\(upstreams)×\(items)" }

    static let small = BenchShape(upstreams: 3, items: 20)
    static let medium = BenchShape(upstreams: 10, items: 100)
    static let large = BenchShape(upstreams: 50, items: 100)
    /// The shapes every mode runs; the linearity check compares `large` with the other two.
    static let standard = [small, medium, large]
}
