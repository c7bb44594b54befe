import Foundation
import GatherCore
import Yams

/// Turns one fixture YAML file into backends. See fixtures/README.md for the format.
struct FixtureFileParser {
    let reader: FixtureYAMLReader
    let baseDirectory: String

    static let backendKeys = ["name", "port", "seed", "paths", "tls"]
    static let pathKeys = [
        "path", "method", "body", "json", "text", "echo", "enrich", "status", "content_type", "latency",
        "error", "stall", "reset", "garbage", "oversized", "drip", "truncate",
    ]

    init(file: String, baseDirectory: String) {
        reader = FixtureYAMLReader(file: file)
        self.baseDirectory = baseDirectory
    }

    func parse(yaml: String) throws -> [FixtureBackend] {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw FixtureLoadError(location: nil, file: reader.file, message: "empty fixture file: expected a 'backends:' list")
            }
            root = composed
        } catch let yamlError as YamlError {
            throw locatedError(yamlError)
        }
        let top = try reader.mapping(root, what: "a fixture file", allowed: ["backends"])
        guard let backendsNode = top["backends"]?.value else {
            throw reader.error(at: root, "a fixture file needs a 'backends:' list")
        }
        var names: Set<String> = []
        return try reader.sequence(backendsNode, what: "backends").map { node in
            let backend = try parseBackend(node)
            guard names.insert(backend.name).inserted else {
                throw reader.error(at: node, "duplicate backend name '\(backend.name)'")
            }
            return backend
        }
    }

    private func parseBackend(_ node: Node) throws -> FixtureBackend {
        let entries = try reader.mapping(node, what: "a backend", allowed: Self.backendKeys)
        guard let nameNode = entries["name"]?.value else { throw reader.error(at: node, "a backend needs a 'name'") }
        let name = try reader.string(nameNode, what: "name")
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw reader.error(at: nameNode, "backend name must be non-empty and use only letters, digits, '-', '_' and '.'")
        }
        guard let portNode = entries["port"]?.value else { throw reader.error(at: node, "backend '\(name)' needs a 'port'") }
        let port = try reader.integer(portNode, what: "port", range: 0...65535)
        let seed = try entries["seed"].map { try reader.seed($0.value) } ?? Self.defaultSeed(for: name)
        guard let pathsNode = entries["paths"]?.value else { throw reader.error(at: node, "backend '\(name)' needs 'paths'") }
        let pathNodes = try reader.sequence(pathsNode, what: "paths")
        guard !pathNodes.isEmpty else { throw reader.error(at: pathsNode, "backend '\(name)' has no paths") }
        var seen: Set<String> = []
        let paths = try pathNodes.map { pathNode in
            let path = try parsePath(pathNode)
            guard seen.insert("\(path.method ?? "*") \(path.path)").inserted else {
                throw reader.error(at: pathNode, "duplicate path \(path.method ?? "any method") \(path.path) in backend '\(name)'")
            }
            return path
        }
        let tls = try entries["tls"].map { try parseTLS($0.value) }
        return FixtureBackend(name: name, port: port, seed: seed, paths: paths, location: reader.location(of: node), tls: tls)
    }

    /// `tls: { cert: FILE, key: FILE }`: PEM files, relative to the fixture file's folder.
    private func parseTLS(_ node: Node) throws -> FixtureTLS {
        let entries = try reader.mapping(node, what: "tls", allowed: ["cert", "key"])
        for field in ["cert", "key"] where entries[field] == nil {
            throw reader.error(at: node, "tls needs 'cert' and 'key' (missing '\(field)')")
        }
        var paths: [String: String] = [:]
        for field in ["cert", "key"] {
            let fieldNode = entries[field]!.value
            let relative = try reader.string(fieldNode, what: "tls.\(field)")
            let resolved = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                throw reader.error(at: fieldNode, "cannot read tls.\(field) file '\(relative)' (looked at \(resolved))")
            }
            paths[field] = resolved
        }
        return FixtureTLS(certificatePath: paths["cert"]!, keyPath: paths["key"]!)
    }

    private func parsePath(_ node: Node) throws -> FixturePath {
        let entries = try reader.mapping(node, what: "a path", allowed: Self.pathKeys)
        guard let pathNode = entries["path"]?.value else { throw reader.error(at: node, "a path entry needs 'path'") }
        let path = try reader.string(pathNode, what: "path")
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains(" ") else {
            throw reader.error(at: pathNode, "path must start with '/' and hold no query or spaces")
        }
        var method: String?
        if let methodNode = entries["method"]?.value {
            let text = try reader.string(methodNode, what: "method")
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw reader.error(at: methodNode, "method must be a word such as GET or POST")
            }
            method = text.uppercased()
        }
        let (body, defaultContentType) = try parseBody(entries, pathEntry: node)
        var result = FixturePath(path: path, method: method, body: body, location: reader.location(of: node))
        result.contentType = try entries["content_type"].map { try reader.string($0.value, what: "content_type") } ?? defaultContentType
        if let statusNode = entries["status"]?.value {
            result.status = try reader.integer(statusNode, what: "status", range: 200...599)
        }
        if let latencyNode = entries["latency"]?.value { result.latency = try parseLatency(latencyNode) }
        if let errorNode = entries["error"]?.value { result.error = try parseError(errorNode) }
        if let stallNode = entries["stall"]?.value { result.stall = try parseStall(stallNode) }
        if let resetNode = entries["reset"]?.value { result.reset = try reader.rate(resetNode, what: "reset") }
        if let garbageNode = entries["garbage"]?.value { result.garbage = try reader.rate(garbageNode, what: "garbage") }
        if let truncateNode = entries["truncate"]?.value { result.truncate = try reader.rate(truncateNode, what: "truncate") }
        if let oversizedNode = entries["oversized"]?.value { result.oversized = try parseOversized(oversizedNode) }
        if let dripNode = entries["drip"]?.value { result.drip = try parseDrip(dripNode) }
        return result
    }

    private func parseBody(_ entries: [String: (key: Node, value: Node)], pathEntry: Node) throws -> (FixtureBody, String) {
        let sources = ["body", "json", "text", "echo", "enrich"].filter { entries[$0] != nil }
        guard sources.count == 1, let source = sources.first, let node = entries[source]?.value else {
            let found = sources.isEmpty ? "none" : sources.joined(separator: ", ")
            throw reader.error(at: pathEntry, "a path needs exactly one of body, json, text, echo or enrich (found: \(found))")
        }
        switch source {
        case "body":
            let relative = try reader.string(node, what: "body")
            let resolved = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                throw reader.error(at: node, "cannot read body file '\(relative)' (looked at \(resolved))")
            }
            return (.bytes([UInt8](data)), "application/json")
        case "json":
            return (.bytes(try reader.json(node).serialized()), "application/json")
        case "text":
            return (.text(try reader.string(node, what: "text")), "text/plain; charset=utf-8")
        case "enrich":
            guard case .object(let members) = try reader.json(node) else {
                throw reader.error(at: node, "enrich must be a mapping of the members to add to each item")
            }
            return (.enrich(members), "application/json")
        default:
            guard try reader.bool(node, what: "echo") else {
                throw reader.error(at: node, "echo: false serves nothing; remove it or give a body")
            }
            return (.echo, "application/json")
        }
    }

    private func parseLatency(_ node: Node) throws -> FixtureLatency {
        guard case .mapping = node else {
            let value = try reader.duration(node, what: "latency")
            return value == .zero ? .none : .fixed(value)
        }
        let entries = try reader.mapping(node, what: "latency", allowed: ["median", "p99"])
        guard let medianNode = entries["median"]?.value, let p99Node = entries["p99"]?.value else {
            throw reader.error(at: node, "latency as a mapping needs both 'median' and 'p99'")
        }
        let median = try reader.duration(medianNode, what: "latency median")
        let p99 = try reader.duration(p99Node, what: "latency p99")
        guard p99 >= median else { throw reader.error(at: p99Node, "latency p99 must not be below the median") }
        return .lognormal(median: median, p99: p99)
    }

    /// A behaviour block given without `rate` always fires: `stall: { duration: 10s }` means every time.
    private func blockRate(_ entries: [String: (key: Node, value: Node)], what: String) throws -> Double {
        try entries["rate"].map { try reader.rate($0.value, what: "\(what) rate") } ?? 1
    }

    private func parseError(_ node: Node) throws -> FixtureErrorInjection {
        guard case .mapping = node else { return FixtureErrorInjection(rate: try reader.rate(node, what: "error")) }
        let entries = try reader.mapping(node, what: "error", allowed: ["rate", "status"])
        let status = try entries["status"].map { try reader.integer($0.value, what: "error status", range: 200...599) } ?? 503
        return FixtureErrorInjection(rate: try blockRate(entries, what: "error"), status: status)
    }

    private func parseStall(_ node: Node) throws -> FixtureStall {
        let entries = try reader.mapping(node, what: "stall", allowed: ["rate", "duration"])
        guard let durationNode = entries["duration"]?.value else { throw reader.error(at: node, "stall needs a 'duration'") }
        return FixtureStall(rate: try blockRate(entries, what: "stall"), duration: try reader.duration(durationNode, what: "stall duration"))
    }

    private func parseOversized(_ node: Node) throws -> FixtureOversized {
        let entries = try reader.mapping(node, what: "oversized", allowed: ["rate", "bytes"])
        let bytes = try entries["bytes"].map { try reader.size($0.value, what: "oversized bytes") } ?? 16 * 1024 * 1024
        return FixtureOversized(rate: try blockRate(entries, what: "oversized"), bytes: bytes)
    }

    private func parseDrip(_ node: Node) throws -> FixtureDrip {
        let entries = try reader.mapping(node, what: "drip", allowed: ["rate", "chunk", "every"])
        let chunk = try entries["chunk"].map { try reader.integer($0.value, what: "drip chunk", range: 1...(1 << 20)) } ?? 16
        let every = try entries["every"].map { try reader.duration($0.value, what: "drip every") } ?? .milliseconds(50)
        return FixtureDrip(rate: try blockRate(entries, what: "drip"), chunk: chunk, every: every)
    }

    /// FNV-1a of the name: a backend without a seed still gets its own stable sequence.
    static func defaultSeed(for name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    private func locatedError(_ yamlError: YamlError) -> FixtureLoadError {
        func at(_ mark: Mark, _ message: String) -> FixtureLoadError {
            FixtureLoadError(location: SourceLocation(file: reader.file, line: mark.line, column: mark.column), message: message)
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return at(mark, "invalid YAML: \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return at(context.mark, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return FixtureLoadError(location: nil, file: reader.file, message: "invalid YAML: \(yamlError)")
        }
    }
}
