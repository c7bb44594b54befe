import GatherCore
import Testing

@Suite("Accept-Encoding: does the client take gzip")
struct AcceptEncodingTests {
    @Test("gzip, x-gzip and * with a q above 0 accept it", arguments: [
        ["gzip"], ["GZip"], ["x-gzip"], ["gzip;q=0.5"], ["gzip ; q=1"], ["deflate", "gzip", "br", "zstd"], ["*"],
        ["br;q=1", "*;q=0.1"], ["gzip;level=1"],
    ])
    func accepted(_ values: [String]) {
        #expect(AcceptEncoding.acceptsGzip(values))
    }

    @Test("no header, other codings only, q=0 or a q that does not parse refuse it", arguments: [
        [], ["br"], ["deflate", "zstd"], ["identity"], ["gzip;q=0"], ["gzip;q=0.000"], ["gzip;q=abc"], ["gzip;q"],
        ["gzip;q=2"], ["*;q=0"], ["gzip;q=0", "*"], ["*", "gzip;q=0"], ["gzip", "x-gzip;q=0"], ["gzipper"],
    ])
    func refused(_ values: [String]) {
        #expect(!AcceptEncoding.acceptsGzip(values))
    }

    @Test("the upstream codings a client accepts, in gather's order: what a first winner may keep", arguments: [
        ([String](), [String]()), (["gzip"], ["gzip"]), (["br", "gzip"], ["gzip", "br"]), (["*"], ["gzip", "br", "zstd"]),
        (["*", "br;q=0"], ["gzip", "zstd"]), (["zstd;q=0.5", "deflate"], ["zstd"]), (["identity"], []),
        (["x-gzip", "BR"], ["gzip", "br"]), (["br;q=0", "zstd;q=0", "gzip;q=0"], []),
    ])
    func upstreamCodings(_ values: [String], _ expected: [String]) {
        #expect(AcceptEncoding.acceptedUpstreamCodings(values) == expected)
    }
}
