import GatherCore
import Testing

/// Mutated and truncated inputs: every one must end in a value or a clear error, never a trap.
@Suite("Hostile input to the parsers")
struct HostileInputTests {
    private static let jsonSeed = Array(#"{"total":3,"results":[{"url":"https://a.example/x?y=1","title":"caf\u00e9 \"q\"","score":0.97,"tags":["a",null,true,false,-1.5e-3]},{"url":"b","nested":{"deep":[[[]]]}}]}"#.utf8)

    private static let yamlSeed = """
    routes:
      - name: search
        match: { method: GET, path: /users/{id} }
        deadline: 250ms
        complete: quorum
        quorum: 2
        upstreams:
          - { name: a, url: "http://127.0.0.1:1/s?q={query.q}", hedge: { after: 40ms } }
          - { name: b, url: "http://127.0.0.1:2/s/{path.id}", timeout: 100ms, max_body: 1MiB }
        merge: { mode: fuse, items: /results, dedupe: { key: /url, normalize: url }, limit: 5 }
    """

    @Test func mutatedJSONParsesOrFailsCleanly() {
        var generator = SplitMixGenerator(seed: 2026)
        let alphabet = Array(#"{}[]":,\0123456789.eE+-tfnul "#.utf8) + [0x00, 0xFF, 0xC3, 0x80, 0xED, 0xA0]
        var parsed = 0
        var rejected = 0
        for _ in 0..<3_000 {
            var bytes = Self.jsonSeed
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                }
            }
            if generator.next() % 5 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1)))) }
            do {
                _ = try JSONParser.parse(bytes)
                parsed += 1
            } catch {
                #expect(!"\(error)".isEmpty)
                rejected += 1
            }
        }
        #expect(parsed + rejected == 3_000)
        #expect(rejected > 0)
    }

    @Test func deeplyNestedJSONIsRejectedNotOverflowed() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: (any Error).self) { try JSONParser.parse(deep) }
    }

    @Test func mutatedRouteFilesLoadOrReportLocatedErrors() {
        var generator = SplitMixGenerator(seed: 7)
        let alphabet = Array("{}[]:,#&*!|>-'\"\t\n ${}%@`0123456789abcdefghijklmnopqrstuvwxyz".unicodeScalars)
        let seed = Array(Self.yamlSeed.unicodeScalars)
        for _ in 0..<600 {
            var scalars = seed
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let position = Int(generator.next() % UInt64(scalars.count))
                let replacement = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                if generator.next() % 2 == 0 { scalars[position] = replacement } else { scalars.insert(replacement, at: position) }
            }
            let text = String(String.UnicodeScalarView(scalars))
            let result = RouteLoader.parse(text: text, file: "fuzz.yaml", environment: [:])
            for error in result.errors {
                #expect(error.description.hasPrefix("fuzz.yaml:"))
                #expect(error.location.line >= 1 && error.location.column >= 1)
            }
            #expect(!result.routes.isEmpty || !result.errors.isEmpty, "a file with no routes must say why")
        }
    }
}
