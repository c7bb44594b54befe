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

    private static func route(_ name: String, _ path: String) -> String {
        """
        routes:
          - name: \(name)
            match: { path: \(path) }
            deadline: 1s
            upstreams: [{ name: a, url: "http://h/" }]
        """
    }

    private func withFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("gather-routes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func folderLoadsRouteFilesInNameOrderAndChecksAcrossFiles() throws {
        try withFolder { folder in
            try write(Self.route("alpha", "/a"), folder + "/a.yaml")
            try write(Self.tabbedJSON, folder + "/b.json")
            try write(Self.route("alpha", "/c"), folder + "/c.yml")
            try write("not a route file", folder + "/notes.txt")
            try write("::: broken", folder + "/.hidden.yaml")
            try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
            try write(Self.route("deep", "/d"), folder + "/sub/d.yaml")

            let failure = RouteLoader.load(paths: [folder], environment: [:])
            guard case .failure(let errors) = failure else {
                Issue.record("expected a failure")
                return
            }
            #expect(errors.errors.map(\.description) == [
                "\(folder)/c.yml:2:5: duplicate route name 'alpha' (first defined at \(folder)/a.yaml:2:5)",
            ])

            try FileManager.default.removeItem(atPath: folder + "/c.yml")
            let loaded = try RouteLoader.load(paths: [folder, folder + "/a.yaml"], environment: [:]).get()
            #expect(loaded.map(\.name) == ["alpha", "beta"])
        }
    }

    @Test func errorsFromSeveralFilesAreSortedByFileThenPlace() throws {
        try withFolder { folder in
            try write(Self.route("Two", "/two").replacingOccurrences(of: "1s", with: "1"), folder + "/b.yaml")
            try write(Self.route("one", "one"), folder + "/a.yaml")
            let result = RouteLoader.load(paths: [folder + "/b.yaml", folder + "/a.yaml"], environment: [:])
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure")
                return
            }
            #expect(failure.errors.map(\.description) == [
                "\(folder)/a.yaml:3:20: match.path 'one': path must start with '/'",
                "\(folder)/b.yaml:2:11: route name 'Two' must use only a-z, 0-9, '_' and '-'",
                "\(folder)/b.yaml:4:15: deadline must be a duration such as 250ms, 1.5s or 2m (units: us, ms, s, m), found '1'",
            ])
            #expect(failure.description == failure.errors.map(\.description).joined(separator: "\n"))
        }
    }

    @Test func missingAndEmptyPathsAreErrors() throws {
        try withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
            try write("x", folder + "/empty/readme.md")
            let result = RouteLoader.load(paths: [folder + "/missing.yaml", folder + "/empty"], environment: [:])
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure")
                return
            }
            #expect(failure.errors.map(\.description) == [
                "\(folder)/empty:1:1: no route files (*.yaml, *.yml, *.json) in folder",
                "\(folder)/missing.yaml:1:1: no such route file or folder",
            ])
        }
    }

    @Test func aFileOutsideAFolderIsReadWhateverItsName() throws {
        try withFolder { folder in
            try write(Self.route("txt", "/t"), folder + "/routes.conf")
            let routes = try RouteLoader.load(paths: [folder + "/routes.conf"], environment: [:]).get()
            #expect(routes.map(\.name) == ["txt"])
        }
    }
}
