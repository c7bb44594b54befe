import GatherCore

/// One merge configuration the benchmark times, with the inputs it merges.
struct MergeCase {
    enum Input {
        /// Search answers; items at `/results`.
        case searchResults
        /// One object per upstream, merged whole.
        case objects
        /// The same search answer from every upstream (parsed separately), voted on whole.
        case equalBodies
    }

    var name: String
    var spec: MergeSpec
    var input: Input
    var shapes: [BenchShape]

    static let resultsPointer = JSONPointer(tokens: ["results"])
    static let urlDedupe = DedupeSpec(key: JSONPointer(tokens: ["url"]), normalize: .url)
    static let scorePointer = JSONPointer(tokens: ["score"])

    /// List modes run without `limit`, so every merged item is stamped with `_sources`/`_score`:
    /// the cost a route pays when it asks for everything.
    static let all: [MergeCase] = [
        MergeCase(name: "concat, url dedupe",
                  spec: MergeSpec(mode: .concat, items: resultsPointer, dedupe: urlDedupe),
                  input: .searchResults, shapes: BenchShape.standard),
        MergeCase(name: "sort /score desc, url dedupe",
                  spec: MergeSpec(mode: .sort, items: resultsPointer, dedupe: urlDedupe,
                                  sort: SortSpec(by: scorePointer, order: .desc)),
                  input: .searchResults, shapes: BenchShape.standard),
        fuse(.rrf), fuse(.combsum), fuse(.combmnz), fuse(.max),
        MergeCase(name: "object (deep merge)", spec: MergeSpec(mode: .object),
                  input: .objects,
                  shapes: BenchShape.standard + [BenchShape(upstreams: 10, items: 5), BenchShape(upstreams: 50, items: 5)]),
        MergeCase(name: "vote (equal bodies)", spec: MergeSpec(mode: .vote, items: resultsPointer),
                  input: .equalBodies, shapes: [BenchShape(upstreams: 5, items: 20)] + BenchShape.standard),
    ]

    /// The gateway's benchmark route (`bench/routes.yaml`): what one request of `bench/run` merges.
    static let benchRoute = MergeCase(
        name: "concat, url dedupe, limit 10 (bench route)",
        spec: MergeSpec(mode: .concat, items: resultsPointer, dedupe: urlDedupe, limit: 10),
        input: .searchResults, shapes: [BenchShape.small])

    private static func fuse(_ method: FusionSpec.Method) -> MergeCase {
        MergeCase(name: "fuse \(method.rawValue), url dedupe",
                  spec: MergeSpec(mode: .fuse, items: resultsPointer, dedupe: urlDedupe,
                                  fusion: FusionSpec(method: method, score: method == .rrf ? nil : scorePointer)),
                  input: .searchResults, shapes: BenchShape.standard)
    }

    /// The upstream bodies this case merges, as they arrive (bytes).
    func bodies(_ shape: BenchShape) -> [[UInt8]] {
        switch input {
        case .searchResults: return SearchBodies.make(shape, seed: 0x5EA7C4)
        case .objects: return ObjectBodies.make(shape, seed: 0x0B1EC7)
        case .equalBodies:
            let one = SearchBodies.make(BenchShape(upstreams: 1, items: shape.items), seed: 0x7073)[0]
            return Array(repeating: one, count: shape.upstreams)
        }
    }

    /// The contributions the gateway would hand the stage: bodies indexed from bytes, items
    /// found at `/results` for list modes.
    func contributions(_ shape: BenchShape) throws -> [UpstreamContribution] {
        try contributions(from: bodies(shape))
    }

    func contributions(from bodies: [[UInt8]]) throws -> [UpstreamContribution] {
        try bodies.enumerated().map { upstream, bytes in
            let body = try JSONDocument(indexing: bytes)
            let answer = input == .searchResults
                ? try ItemExtraction.answer(from: body, at: spec.items, map: []).get()
                : UpstreamAnswer(body: body)
            return UpstreamContribution(name: "engine-\(upstream)", answer: answer)
        }
    }
}
