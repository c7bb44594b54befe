/// The curl lines `gather demo` prints, one per shipped route it shows off.
struct DemoExamples {
    let route: String
    let title: String
    let target: String
    var flags = ""
    /// Extra curl arguments after the flags (a request body).
    var arguments = ""

    func curl(host: String, port: Int) -> String {
        "curl -s\(flags)\(arguments) 'http://\(host):\(port)\(target)'"
    }

    static let all: [DemoExamples] = [
        DemoExamples(route: "search", title: "Federated search: three engines fused by reciprocal rank, duplicates folded, each item with its sources and _score",
                     target: "/search?q=swift+concurrency"),
        DemoExamples(route: "search", title: "The same search, progressive: the fast engines' results stream in at once, the slow one's when it lands, then the fused result",
                     target: "/search?q=swift+concurrency", flags: "N -H 'Accept: text/event-stream'"),
        DemoExamples(route: "search-live", title: "Progressive, with an engine that takes 800ms: watch the events arrive",
                     target: "/search-live?q=swift+concurrency", flags: "N -H 'Accept: text/event-stream'"),
        DemoExamples(route: "search-partial", title: "A stalled engine: the answer comes at the 200ms deadline, marked partial (upstreams.gamma: timeout)",
                     target: "/search-partial?q=swift+concurrency"),
        DemoExamples(route: "catalog", title: "Hedging: the primary region stalls, a backup to the second region wins after 30ms (won_by: hedge)",
                     target: "/catalog?q=lamp"),
        DemoExamples(route: "prices", title: "Price comparison: three shapes mapped to one, cheapest offer per SKU first, answered once 2 of 3 shops replied (quorum)",
                     target: "/prices?q=headphones"),
        DemoExamples(route: "profile", title: "API composition in two stages: a user's profile with their orders, and their organisation fetched by the user's org_id",
                     target: "/profile/1"),
        DemoExamples(route: "search-priced", title: "Search, then a live price for each result: one call per product the moment the search answers, each answer attached under \"live\"",
                     target: "/search-priced?q=headphones"),
        DemoExamples(route: "enrich", title: "Batch enrichment: 200 records in 8 calls of 25, 8 in parallel, min_ok 95% of the calls; the enricher fails 1 call in 10 (a partial batch shows)",
                     target: "/enrich", arguments: " -H 'Content-Type: application/json' --data @fixtures/enrich-200.json"),
        DemoExamples(route: "item", title: "Multi-region read: the first region to answer wins; its bytes come back unchanged (see Gather-Winner)",
                     target: "/items/42", flags: "i"),
        DemoExamples(route: "config", title: "Consensus read: three replicas vote, the stale one is outvoted (votes: 2 of 3)",
                     target: "/config"),
        DemoExamples(route: "inventory", title: "HTTPS and HTTP/2 upstream behind a private CA: four stock shards over one multiplexed connection",
                     target: "/inventory"),
    ]
}
