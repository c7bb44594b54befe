import Foundation
import GatherCore

/// All the simulated backends of one run, usually loaded from a `fixtures/` folder.
public struct FixtureSet: Sendable {
    public var backends: [FixtureBackend]

    public init(backends: [FixtureBackend]) {
        self.backends = backends
    }

    /// Loads every `*.yaml` / `*.yml` file of `directory` (sorted by name, not recursive).
    public static func load(directory: String) throws -> FixtureSet {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FixtureLoadError(location: nil, file: directory, message: "cannot read fixture folder")
        }
        let files = entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !files.isEmpty else {
            throw FixtureLoadError(location: nil, file: directory, message: "no *.yaml or *.yml fixture files")
        }
        var backends: [FixtureBackend] = []
        for name in files {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let yaml = String(data: data, encoding: .utf8) else {
                throw FixtureLoadError(location: nil, file: path, message: "cannot read the file as UTF-8 text")
            }
            backends += try parse(yaml: yaml, file: path, baseDirectory: directory)
        }
        let set = FixtureSet(backends: backends)
        try set.validate()
        return set
    }

    /// Parses one fixture file; `file` names it in errors, `baseDirectory` anchors relative `body:` paths.
    public static func parse(yaml: String, file: String, baseDirectory: String) throws -> [FixtureBackend] {
        try FixtureFileParser(file: file, baseDirectory: baseDirectory).parse(yaml: yaml)
    }

    /// Names must be unique (they key the server's lookups) and fixed ports must not collide.
    public func validate() throws {
        var names: [String: FixtureBackend] = [:]
        var ports: [Int: FixtureBackend] = [:]
        for backend in backends {
            if let earlier = names[backend.name] {
                throw FixtureLoadError(location: backend.location,
                                       message: "duplicate backend name '\(backend.name)' (first at \(earlier.location?.description ?? "?"))")
            }
            names[backend.name] = backend
            guard backend.port != 0 else { continue }
            if let earlier = ports[backend.port] {
                throw FixtureLoadError(location: backend.location,
                                       message: "backend '\(backend.name)' uses port \(backend.port), already taken by '\(earlier.name)'")
            }
            ports[backend.port] = backend
        }
    }

    /// One line per backend path, for `gather fixtures` to print at start-up.
    public func summaryLines(ports: [String: Int] = [:]) -> [String] {
        backends.flatMap { backend in
            backend.paths.map { path in
                let port = ports[backend.name] ?? backend.port
                return "\(backend.name)\t\(path.method ?? "*")\thttp://127.0.0.1:\(port)\(path.path)"
            }
        }
    }
}
