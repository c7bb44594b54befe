import GatherFixtures

/// Small backends the integration tests compose their scenarios from.
enum Backends {
    static func results(_ urls: [String], total: Int? = nil) -> FixtureBody {
        let items = urls.map { #"{"url":"\#($0)","title":"\#($0)"}"# }.joined(separator: ",")
        return .bytes(Array(#"{"total":\#(total ?? urls.count),"results":[\#(items)]}"#.utf8))
    }

    static func backend(_ name: String, _ paths: [FixturePath]) -> FixtureBackend {
        FixtureBackend(name: name, port: 0, seed: 1, paths: paths)
    }

    /// A backend whose only path answers after `stall`: long enough to miss any test deadline.
    static func stalled(_ name: String, path: String = "/search", seconds: Int = 10) -> FixtureBackend {
        backend(name, [FixturePath(path: path, body: results(["https://\(name).example/slow"]),
                                   stall: FixtureStall(rate: 1, duration: .seconds(seconds)))])
    }

    static func fast(_ name: String, path: String = "/search", urls: [String]) -> FixtureBackend {
        backend(name, [FixturePath(path: path, body: results(urls))])
    }
}
