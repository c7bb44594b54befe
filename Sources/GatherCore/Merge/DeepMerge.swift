/// The recursive merge behind `object` mode.
///
/// - Two objects merge member by member: the result keeps the earlier object's key order and
///   adds the later one's new keys in its order.
/// - Two arrays are concatenated when `appendArrays` is set; otherwise, and for every other
///   pair (scalars, `null`, or values of different types), the later value replaces the
///   earlier one — later upstreams win.
/// - Inside one object a repeated key counts once, by its first occurrence: that is the member
///   `JSONObject`'s subscript and JSON Pointer see, and keeping a stale twin would let
///   last-wins readers see a value the merge meant to replace.
/// Keys compare as Swift strings, like `JSONObject`'s subscript.
enum DeepMerge {
    static func merge(_ base: JSONValue, _ incoming: JSONValue, appendArrays: Bool) -> JSONValue {
        switch (base, incoming) {
        case (.object(let left), .object(let right)):
            return .object(merge(left, right, appendArrays: appendArrays))
        case (.array(let left), .array(let right)) where appendArrays:
            return .array(left + right)
        default:
            return placed(incoming, appendArrays: appendArrays)
        }
    }

    static func merge(_ base: JSONObject, _ incoming: JSONObject, appendArrays: Bool) -> JSONObject {
        var members = base.members
        // A dictionary keeps wide objects linear; `base` is already free of repeated keys.
        var positionByKey: [String: Int] = [:]
        positionByKey.reserveCapacity(members.count + incoming.count)
        for (position, member) in members.enumerated() where positionByKey[member.key] == nil {
            positionByKey[member.key] = position
        }
        var seenInIncoming = Set<String>()
        for member in incoming.members {
            guard seenInIncoming.insert(member.key).inserted else { continue }
            if let position = positionByKey[member.key] {
                members[position].value = merge(members[position].value, member.value, appendArrays: appendArrays)
            } else {
                positionByKey[member.key] = members.count
                members.append((member.key, placed(member.value, appendArrays: appendArrays)))
            }
        }
        return JSONObject(members)
    }

    /// A value entering the result as it is, with repeated keys dropped from its objects so that
    /// later merges into it find one member per key. Arrays are left untouched: nothing merges
    /// into their elements.
    static func placed(_ value: JSONValue, appendArrays: Bool) -> JSONValue {
        guard case .object(let object) = value else { return value }
        return .object(merge(JSONObject(), object, appendArrays: appendArrays))
    }
}
