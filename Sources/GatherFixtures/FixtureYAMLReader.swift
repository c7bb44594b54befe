import GatherCore
import Yams

/// Typed access to a composed YAML document that turns every mistake into a located error.
struct FixtureYAMLReader {
    let file: String

    func location(of node: Node) -> SourceLocation? {
        node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

    func error(at node: Node, _ message: String) -> FixtureLoadError {
        FixtureLoadError(location: location(of: node), file: file, message: message)
    }

    /// The entries of a mapping keyed by their string keys; any key outside `allowed` is an error,
    /// because a misspelt behaviour silently ignored would make a fixture lie about what it tests.
    func mapping(_ node: Node, what: String, allowed: [String]) throws -> [String: (key: Node, value: Node)] {
        guard case let .mapping(mapping) = node else {
            throw error(at: node, "\(what) must be a mapping")
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar = key, let name = key.string else {
                throw error(at: key, "keys in \(what) must be strings")
            }
            guard allowed.contains(name) else {
                throw error(at: key, "unknown key '\(name)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
            }
            entries[name] = (key, value)
        }
        return entries
    }

    func sequence(_ node: Node, what: String) throws -> [Node] {
        guard case let .sequence(sequence) = node else {
            throw error(at: node, "\(what) must be a list")
        }
        return Array(sequence)
    }

    func string(_ node: Node, what: String) throws -> String {
        guard case let .scalar(scalar) = node else {
            throw error(at: node, "\(what) must be a string")
        }
        return scalar.string
    }

    func integer(_ node: Node, what: String, range: ClosedRange<Int>) throws -> Int {
        guard case .scalar = node, node.tagName == .int, let value = node.int else {
            throw error(at: node, "\(what) must be an integer")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    func seed(_ node: Node) throws -> UInt64 {
        guard case let .scalar(scalar) = node, let value = UInt64(scalar.string.replacingUnderscores) else {
            throw error(at: node, "seed must be a non-negative integer below 2^64")
        }
        return value
    }

    func bool(_ node: Node, what: String) throws -> Bool {
        guard case .scalar = node, node.tagName == .bool, let value = node.bool else {
            throw error(at: node, "\(what) must be true or false")
        }
        return value
    }

    /// A probability in [0, 1].
    func rate(_ node: Node, what: String) throws -> Double {
        guard case .scalar = node, node.tagName == .int || node.tagName == .float, let value = node.float else {
            throw error(at: node, "\(what) must be a number between 0 and 1")
        }
        guard value.isFinite, (0...1).contains(value) else {
            throw error(at: node, "\(what) must be between 0 and 1, got \(value)")
        }
        return value
    }

    func duration(_ node: Node, what: String) throws -> Duration {
        guard case let .scalar(scalar) = node, let value = FixtureUnits.duration(scalar.string) else {
            throw error(at: node, "\(what) must be a duration such as 5ms or 1.5s")
        }
        return value
    }

    func size(_ node: Node, what: String) throws -> Int {
        guard case let .scalar(scalar) = node, let value = FixtureUnits.size(scalar.string) else {
            throw error(at: node, "\(what) must be a size such as 512KiB or 16MiB (at most 1GiB)")
        }
        return value
    }

    /// Inline YAML as JSON: plain scalars keep their YAML type, quoted ones stay strings.
    func json(_ node: Node) throws -> JSONValue {
        switch node {
        case let .scalar(scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            switch node.tagName {
            case .null:
                return .null
            case .bool:
                return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int:
                guard let value = node.int else { throw error(at: node, "integer does not fit in 64 bits") }
                return .int(Int64(value))
            case .float:
                guard let value = node.float, value.isFinite else {
                    throw error(at: node, "JSON has no NaN or infinity")
                }
                return .double(value)
            default:
                return .string(scalar.string)
            }
        case let .sequence(sequence):
            return .array(try sequence.map { try json($0) })
        case let .mapping(mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key else {
                    throw error(at: key, "JSON object keys must be strings")
                }
                object.members.append((keyScalar.string, try json(value)))
            }
            return .object(object)
        case .alias:
            throw error(at: node, "YAML aliases are not supported in fixture files")
        }
    }
}

private extension String {
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

private extension Node {
    /// The resolved tag (`tag:yaml.org,2002:int` …); Yams keeps `Tag.name` internal.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
