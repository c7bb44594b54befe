import Foundation
import Testing
@testable import GatherCore

struct RouteFileLoadingTests {
    /// Indented with tabs, starting with a tab (libyaml refuses that without the tab rewrite),
    /// and a raw tab inside a string, which must survive.
    static let tabbedJSON = "\t{\n"
        + "\t\"routes\": [\n"
        + "\t\t{\n"
        + "\t\t\t\"name\": \"beta\",\n"
        + "\t\t\t\"match\": {\"method\": \"GET\", \"path\": \"/b/{id}\"},\n"
        + "\t\t\t\"deadline\": \"150ms\",\n"
        + "\t\t\t\"max_parallel\": 4,\n"
        + "\t\t\t\"upstreams\": [\n"
        + "\t\t\t\t{\"name\": \"a\", \"url\": \"http://h/b/{path.id}\", \"headers\": {\"X-T\": \"a\tb \\\"q\\\"\"}}\n"
        + "\t\t\t],\n"
        + "\t\t\t\"merge\": {\"mode\": \"concat\", \"provenance\": false}\n"
        + "\t\t}\n"
        + "\t]\n"
        + "}\n"

    @Test func jsonIndentedWithTabsLoads() throws {
        let result = RouteLoader.parse(text: Self.tabbedJSON, file: "b.json", environment: [:])
        #expect(result.errors.map(\.description) == [])
        let route = try #require(result.routes.first)
        #expect(route.name == "beta")
        #expect(route.path.source == "/b/{id}")
        #expect(route.deadline == .milliseconds(150))
        #expect(route.maxParallel == 4)
        #expect(route.merge.provenance == false)
        #expect(route.location == SourceLocation(file: "b.json", line: 3, column: 3))
        let header = try #require(route.upstreams.first?.headers.first)
        #expect(header.name == "X-T")
        #expect(try header.value.render(TemplateValues()).get() == "a\tb \"q\"")
    }

    @Test func jsonErrorsCountATabAsOneColumn() {
        let text = Self.tabbedJSON.replacingOccurrences(of: "\"deadline\": \"150ms\"", with: "\"deadline\": 150")
            .replacingOccurrences(of: "\"max_parallel\": 4", with: "\"max_parallel\": \"4\"")
        #expect(RouteLoader.parse(text: text, file: "b.json", environment: [:]).errors.map(\.description) == [
            "b.json:6:16: deadline must be a duration such as 250ms, 1.5s or 2m (units: us, ms, s, m), found '150'",
            "b.json:7:20: max_parallel must be an integer from 1 to 1000000, found the string '4'",
        ])
    }

    @Test func tabsInsideStringsAreKept() {
        #expect(JSONTabReplacer.replacingTabsOutsideStrings("\t{\"a\":\t\"x\ty\\\"\tz\"}\t")
            == " {\"a\": \"x\ty\\\"\tz\"} ")
    }

    @Test func sourcesAreLoadedInOrderWithUnreadablePathsAndNonUTF8FilesLocated() {
        let route = Array("""
            routes:
              - name: alpha
                match: { path: /a }
                deadline: 1s
                upstreams: [{ name: a, url: "http://h/" }]
            """.utf8)
        let result = RouteLoader.load([
            .contents(file: "b.yaml", [0x72, 0xFF, 0xFE]),
            .unreadable(path: "missing.yaml", reason: "no such route file or folder"),
            .contents(file: "a.yaml", route),
        ], environment: [:])
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.errors.map(\.description) == [
            "b.yaml:1:1: route file is not UTF-8 text",
            "missing.yaml:1:1: no such route file or folder",
        ])
        #expect((try? RouteLoader.load([.contents(file: "a.yaml", route)], environment: [:]).get())?.map(\.name) == ["alpha"])
    }

    @Test func routeFileNames() {
        #expect(RouteLoader.isRouteFileName("a.yaml"))
        #expect(RouteLoader.isRouteFileName("b.JSON"))
        #expect(RouteLoader.isRouteFileName("c.yml"))
        #expect(!RouteLoader.isRouteFileName(".hidden.yaml"))
        #expect(!RouteLoader.isRouteFileName("notes.txt"))
        #expect(!RouteLoader.isRouteFileName("yaml"))
    }
}
