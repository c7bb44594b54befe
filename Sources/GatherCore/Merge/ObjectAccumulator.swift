/// The top level of an `object` merge, kept across upstreams: one member list and one key
/// index for the whole merge, so fifty upstreams cost fifty passes over their own keys rather
/// than fifty copies of everything merged so far (`DeepMerge` handles the levels below).
struct ObjectAccumulator {
    private(set) var members: [(key: String, value: JSONValue)] = []
    private var positionByKey: [String: Int] = [:]
    private let appendArrays: Bool

    init(appendArrays: Bool) {
        self.appendArrays = appendArrays
    }

    var object: JSONObject { JSONObject(members) }

    /// Later upstreams win on conflicts; a key repeated inside `incoming` counts once, by its first occurrence.
    mutating func merge(_ incoming: JSONObject) {
        var seenInIncoming = Set<String>()
        seenInIncoming.reserveCapacity(incoming.count)
        for member in incoming.members {
            guard seenInIncoming.insert(member.key).inserted else { continue }
            if let position = positionByKey[member.key] {
                members[position].value = DeepMerge.merge(members[position].value, member.value, appendArrays: appendArrays)
            } else {
                positionByKey[member.key] = members.count
                members.append((member.key, DeepMerge.placed(member.value, appendArrays: appendArrays)))
            }
        }
    }
}
