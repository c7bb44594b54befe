/// The recursive merge behind `object` mode, over values that stay in their upstreams' bytes.
///
/// - Two objects merge member by member: the result keeps the earlier object's key order and
///   adds the later one's new keys in its order.
/// - Two arrays are concatenated when `appendArrays` is set; otherwise, and for every other
///   pair (scalars, `null`, or values of different types), the later value replaces the
///   earlier one — later upstreams win.
/// - An object that is merged into keeps one member per key: of a key repeated inside one
///   object the first occurrence counts (the member JSON Pointer sees). A value nothing merges
///   into is passed through as its upstream sent it, repeated keys and all.
/// Keys compare by their content (escapes resolved).
struct DeepMerge {
    let contributions: [UpstreamContribution]
    let appendArrays: Bool

    /// `base` is consumed: an object node merged into is then the only holder of its arrays and
    /// grows in place instead of being copied.
    func merge(_ base: consuming MergedValue, _ contribution: Int, _ incoming: Int) -> MergedValue {
        let document = contributions[contribution].body
        switch (kind(of: base), document.kind(incoming)) {
        case (.object?, .object):
            var node = objectNode(base)
            mergeMembers(into: &node, contribution, incoming)
            return .object(node)
        case (.array?, .array) where appendArrays:
            var arrays: [(contribution: Int, position: Int)]
            switch base {
            case .concatenated(let existing): arrays = existing
            case .upstream(let baseContribution, let position): arrays = [(baseContribution, position)]
            default: arrays = []
            }
            arrays.append((contribution, incoming))
            return .concatenated(arrays)
        default:
            return .upstream(contribution: contribution, position: incoming)
        }
    }

    /// Merges the members of object `incoming` into `node`; a key repeated in `incoming`
    /// counts once, by its first occurrence.
    func mergeMembers(into node: inout MergedValue.ObjectNode, _ contribution: Int, _ incoming: Int) {
        let document = contributions[contribution].body
        node.passes += 1
        let pass = node.passes
        var key = incoming + 1
        while key < document.next(incoming) {
            let value = key + 1
            let existing = document.withStringContent(key) { node.member(named: $0, in: contributions) }
            if let position = existing {
                if node.touched[position] != pass {
                    node.touched[position] = pass
                    let incomingKind = document.kind(value)
                    guard incomingKind == .object || (incomingKind == .array && appendArrays) else {
                        // Nothing merges into a scalar, `null` or (without `append`) an array:
                        // the later value replaces the earlier one, whatever that was.
                        node.members[position].value = .upstream(contribution: contribution, position: value)
                        key = document.next(value)
                        continue
                    }
                    // Taken out first, so the value being merged into is not shared with its slot.
                    let current = node.members[position].value
                    node.members[position].value = .null
                    node.members[position].value = merge(current, contribution, value)
                }
            } else {
                node.members.append((.upstream(contribution: contribution, position: key),
                                     .upstream(contribution: contribution, position: value)))
                node.touched.append(pass)
            }
            key = document.next(value)
        }
    }

    /// `value` (an object) as a node that can take more members.
    func objectNode(_ value: consuming MergedValue) -> MergedValue.ObjectNode {
        switch consume value {
        case .object(let node):
            return node
        case .upstream(let contribution, let position):
            var node = MergedValue.ObjectNode()
            mergeMembers(into: &node, contribution, position)
            return node
        default:
            return MergedValue.ObjectNode()
        }
    }

    private func kind(of value: MergedValue) -> JSONKind? {
        switch value {
        case .null: return .null
        case .upstream(let contribution, let position): return contributions[contribution].answer.body.kind(position)
        case .object: return .object
        case .concatenated: return .array
        }
    }
}
