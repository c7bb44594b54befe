import GatherCore

/// Deterministic search-engine answers: `{"query", "total", "results": [{url, title, snippet,
/// score}]}`, shaped like `fixtures/bodies/engine-*-search.json`.
///
/// About 30% of each upstream's results come from a pool of pages every upstream shares, so
/// dedupe and fusion find real overlap; half of those shared URLs are spelled differently
/// (`www.`, trailing slash, host case, default port, fragment) so `normalize: url` has work to
/// do. Scores use a different scale per upstream (0..1, BM25-like, integer percent), as real
/// engines do, and fall with rank.
enum SearchBodies {
    static let sharedFraction = 0.3

    /// One compact JSON body per upstream.
    static func make(_ shape: BenchShape, seed: UInt64) -> [[UInt8]] {
        var random = SplitMixGenerator(seed: seed)
        let pool = (0..<shape.items).map { page(host: "docs.\(word(&random)).org", index: $0, random: &random) }
        let sharedCount = Int(Double(shape.items) * sharedFraction)
        return (0..<shape.upstreams).map { upstream in
            var results: [Page] = []
            results.reserveCapacity(shape.items)
            for index in pool.indices.shuffled(using: &random).prefix(sharedCount) {
                var shared = pool[index]
                shared.url = variant(of: shared.url, random: &random)
                results.append(shared)
            }
            for index in 0..<(shape.items - sharedCount) {
                results.append(page(host: "site\(upstream)-\(index % 7).example.net", index: index, random: &random))
            }
            results.shuffle(using: &random)
            let items = results.enumerated().map { rank, page -> JSONValue in
                .object(JSONObject([
                    (key: "url", value: .string(page.url)),
                    (key: "title", value: .string(page.title)),
                    (key: "snippet", value: .string(page.snippet)),
                    (key: "score", value: score(rank: rank, of: shape.items, upstream: upstream, random: &random)),
                ]))
            }
            let body = JSONValue.object(JSONObject([
                (key: "query", value: .string("swift concurrency")),
                (key: "total", value: .int(Int64(10_000 + upstream * 137))),
                (key: "results", value: .array(items)),
            ]))
            return body.serialized()
        }
    }

    private struct Page {
        var url: String
        var title: String
        var snippet: String
    }

    private static func page(host: String, index: Int, random: inout SplitMixGenerator) -> Page {
        let path = "/\(word(&random))/\(word(&random))-\(index)"
        let title = (0..<Int.random(in: 4...9, using: &random)).map { _ in word(&random) }.joined(separator: " ")
        let snippet = (0..<Int.random(in: 15...25, using: &random)).map { _ in word(&random) }
            .joined(separator: " ") + "."
        return Page(url: "https://\(host)\(path)", title: title.capitalized, snippet: snippet.capitalized)
    }

    /// The same page as another engine might spell it; half the time unchanged.
    private static func variant(of url: String, random: inout SplitMixGenerator) -> String {
        let host = url.dropFirst("https://".count).prefix { $0 != "/" }
        let path = url.dropFirst("https://".count + host.count)
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return "https://www.\(host)\(path)"
        case 1: return url + "/"
        case 2: return "https://\(host.uppercased())\(path)"
        case 3: return "https://\(host):443\(path)"
        case 4: return url + "#overview"
        default: return url
        }
    }

    private static func score(rank: Int, of count: Int, upstream: Int, random: inout SplitMixGenerator) -> JSONValue {
        let falling = 1.0 - Double(rank) / Double(count) * 0.9 + Double.random(in: 0..<0.01, using: &random)
        switch upstream % 3 {
        case 0: return .double((falling * 1000).rounded() / 1000)
        case 1: return .double((falling * 30 * 100).rounded() / 100)
        default: return .int(Int64((falling * 100).rounded()))
        }
    }

    private static func word(_ random: inout SplitMixGenerator) -> String {
        words[Int.random(in: 0..<words.count, using: &random)]
    }

    private static let words = [
        "swift", "concurrency", "async", "await", "actor", "task", "group", "isolation", "sendable",
        "structured", "cancellation", "executor", "thread", "safety", "data", "race", "checking",
        "migration", "guide", "language", "mode", "strict", "global", "main", "distributed",
        "continuation", "stream", "sequence", "sleep", "priority", "detached", "local", "value",
        "reference", "closure", "escaping", "nonisolated", "performance", "server", "linux",
        "nio", "event", "loop", "future", "promise", "channel", "handler", "pipeline", "buffer",
        "tutorial", "example", "deep", "dive", "wwdc", "session", "video", "blog", "forum",
    ]
}
