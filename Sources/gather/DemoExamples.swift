/// The curl lines `gather demo` prints, one per shipped route it shows off.
struct DemoExamples {
    let route: String
    let title: String
    let target: String
    var headers: [String] = []

    func curl(host: String, port: Int) -> String {
        let flags = headers.map { " -H '\($0)'" }.joined()
        return "curl -s\(flags) 'http://\(host):\(port)\(target)'"
    }

    static let all: [DemoExamples] = [
        DemoExamples(route: "search", title: "Federated search: three engines merged, duplicates folded, each item says where it came from",
                     target: "/search?q=swift+concurrency"),
        DemoExamples(route: "search-partial", title: "A stalled engine: the answer comes at the 200ms deadline, marked partial (see upstreams.gamma)",
                     target: "/search-partial?q=swift+concurrency"),
        DemoExamples(route: "catalog", title: "Hedging: the primary region stalls, a backup to the second region wins after 30ms (won_by: hedge)",
                     target: "/catalog?q=lamp"),
        DemoExamples(route: "prices", title: "Price comparison: three shapes mapped to one, answered as soon as 2 of the 3 shops have answered (quorum), the third cancelled",
                     target: "/prices?q=headphones"),
        DemoExamples(route: "item", title: "Multi-region read: the first region to answer wins; its bytes come back unchanged (Gather-Winner header)",
                     target: "/items/42", headers: []),
    ]
}
