import Yams

/// The keys of one route-file mapping, already checked against the keys it allows.
struct MappingFields {
    let node: Node
    /// In the order written.
    let entries: [(key: String, keyNode: Node, value: Node)]

    subscript(key: String) -> Node? {
        entries.first(where: { $0.key == key })?.value
    }

    func keyNode(_ key: String) -> Node? {
        entries.first(where: { $0.key == key })?.keyNode
    }
}
