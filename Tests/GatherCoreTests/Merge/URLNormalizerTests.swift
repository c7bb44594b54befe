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
