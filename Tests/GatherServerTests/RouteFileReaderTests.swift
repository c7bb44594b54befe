import Foundation
import GatherCore
import GatherServer
import Testing

/// The shell's half of route loading: folders listed, files read, then `RouteLoader`.
struct RouteFileReaderTests {
    static let tabbedJSON = "\t{\n"
        + "\t\"routes\": [\n"
        + "\t\t{\"name\": \"beta\", \"match\": {\"method\": \"GET\", \"path\": \"/b/{id}\"}, \"deadline\": \"150ms\",\n"
        + "\t\t \"upstreams\": [{\"name\": \"a\", \"url\": \"http://h/b/{path.id}\"}], \"merge\": {\"mode\": \"concat\"}}\n"
        + "\t]\n"
        + "}\n"

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

            let failure = RouteFileReader.load([folder], environment: [:])
            guard case .failure(let errors) = failure else {
                Issue.record("expected a failure")
                return
            }
            #expect(errors.errors.map(\.description) == [
                "\(folder)/c.yml:2:5: duplicate route name 'alpha' (first defined at \(folder)/a.yaml:2:5)",
            ])

            try FileManager.default.removeItem(atPath: folder + "/c.yml")
            let loaded = try RouteFileReader.load([folder, folder + "/a.yaml"], environment: [:]).get()
            #expect(loaded.map(\.name) == ["alpha", "beta"])
        }
    }

    @Test func errorsFromSeveralFilesAreSortedByFileThenPlace() throws {
        try withFolder { folder in
            try write(Self.route("Two", "/two").replacingOccurrences(of: "1s", with: "1"), folder + "/b.yaml")
            try write(Self.route("one", "one"), folder + "/a.yaml")
            let result = RouteFileReader.load([folder + "/b.yaml", folder + "/a.yaml"], environment: [:])
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
            let result = RouteFileReader.load([folder + "/missing.yaml", folder + "/empty"], environment: [:])
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
            let routes = try RouteFileReader.load([folder + "/routes.conf"], environment: [:]).get()
            #expect(routes.map(\.name) == ["txt"])
        }
    }
}
