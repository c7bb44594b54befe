import Testing
@testable import GatherCore

@Suite struct URLNormalizerTests {
    @Test(arguments: [
        ("https://example.com/a", "https://example.com/a"),
        ("HTTPS://WWW.Example.COM/Path/", "https://example.com/Path"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a/#section", "https://example.com/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("https://example.com//", "https://example.com"),
        ("https://example.com/?q=A/", "https://example.com?q=A/"),
        ("https://example.com/a/?q=1#f", "https://example.com/a?q=1"),
        ("https://User:Pw@WWW.Example.com:443/x", "https://User:Pw@example.com/x"),
        ("http://[::1]:80/x/", "http://[::1]/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://www2.example.com/", "https://www2.example.com"),
        ("ftp://Host:21/f/", "ftp://host:21/f"),
        ("//WWW.example.com:443/x/", "//example.com/x"),
        ("www.Example.com/a/", "example.com/a"),
        ("Example.com:80", "example.com"),
        ("not a url", "not a url"),
        ("", ""),
        ("#only", ""),
        // No "://": read as userinfo@host, so only the host part is lowercased.
        ("mailto:Someone@Example.com", "mailto:Someone@example.com"),
        ("WSS://WwW.Example.com:443?x=1", "wss://example.com?x=1"),
        ("https://www.exämple.com/ü/", "https://exämple.com/ü"),
        ("https://www.", "https://"),
        ("https://ww.example.com", "https://ww.example.com"),
        ("HTTP://[::1]", "http://[::1]"),
    ])
    func normalises(input: String, expected: String) {
        #expect(URLNormalizer.normalize(input) == expected)
    }
}

/// The fast path (`isNormal`, then one copy) against the full normalisation: the same bytes for
/// every text, and a yes only for a text the full path leaves unchanged.
@Suite struct URLNormalizerFastPathTests {
    @Test(arguments: [
        "https://example.com/a",
        "https://example.com",
        "https://docs.swift.org/async/await-12",
        "http://example.com/a?q=A/",
        "https://example.com?x=1",
        "//example.com/a",
        "example.com/a",
        "https://",
        // The normaliser leaves dot segments, percent-escapes, path case and non-ASCII alone,
        // so these are their own normal form and take the fast path unchanged.
        "https://example.com/a/../b",
        "https://example.com/./a",
        "https://example.com/a%2Fb%7e",
        "https://example.com/Path/To",
        "https://exämple.com/ü",
        "https://example.com/a@b:c",
    ])
    func takesTheFastPath(url: String) {
        #expect(isNormal(url))
        #expect(full(url) == Array(url.utf8))
        #expect(fast(url) == full(url))
    }

    @Test(arguments: [
        "https://Example.com/a",          // uppercase host
        "HTTPS://example.com/a",          // uppercase scheme
        "https://www.example.com/a",      // www.
        "http://example.com:80/a",        // default port
        "https://example.com:443/a",      // default port
        "https://example.com:8443/a",     // a port, kept, but left to the full path
        "https://example.com/a/",         // trailing slash
        "https://example.com/",           // path of one slash
        "https://example.com/a/?q=1",     // trailing slash before the query
        "https://example.com/a#frag",     // fragment
        "https://example.com/a?q=1#frag", // query and fragment
        "#only",
        "https://user:pw@example.com/a",  // userinfo
        "https://user@example.com",
        "http://[::1]/x",                 // IPv6 literal
        "http://[::1]:8080/x",
        "Example.com:80",
        "www.example.com",
        "mailto:someone@example.com",
        "",
    ])
    func leavesTheRestToTheFullPath(url: String) {
        #expect(!isNormal(url))
        #expect(fast(url) == full(url))
    }

    /// Random texts over the bytes the normaliser treats specially: both paths agree on every
    /// one, and the fast path never claims a text the full path would change.
    @Test func agreesWithTheFullPathOnRandomTexts() {
        let alphabet = Array("aAhHtTpPsSwW.:/@[]#?%80431-+zZé".utf8) + Array("://".utf8)
        var generator = SplitMixGenerator(seed: 0x0DD_BA11)
        var fastPathTaken = 0
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 24)
            var bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            if generator.next() % 2 == 0 { bytes = Array("https://".utf8) + bytes }
            let (taken, fastResult, fullResult) = bytes.withUnsafeBufferPointer { input in
                var fastOutput: [UInt8] = []
                var fullOutput: [UInt8] = []
                URLNormalizer.normalize(input, into: &fastOutput)
                URLNormalizer.normalizeFully(input, into: &fullOutput)
                return (URLNormalizer.isNormal(input), fastOutput, fullOutput)
            }
            #expect(fastResult == fullResult, "\(String(decoding: bytes, as: UTF8.self))")
            if taken {
                fastPathTaken += 1
                #expect(fullResult == bytes, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        // The texts must exercise the fast path too, or the test proves nothing about it.
        #expect(fastPathTaken > 1_000)
    }

    private func isNormal(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { URLNormalizer.isNormal($0) }
    }

    private func fast(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer { URLNormalizer.normalize($0, into: &output) }
        return output
    }

    private func full(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer { URLNormalizer.normalizeFully($0, into: &output) }
        return output
    }
}
