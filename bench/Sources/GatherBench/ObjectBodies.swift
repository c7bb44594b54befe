import GatherCore

/// Deterministic bodies for `object` mode: one object per upstream with `items` members.
/// About 30% of the keys are common to every upstream (so the deep merge recurses into nested
/// objects and replaces scalars), the rest are the upstream's own (so the result grows).
enum ObjectBodies {
    static func make(_ shape: BenchShape, seed: UInt64) -> [[UInt8]] {
        var random = SplitMixGenerator(seed: seed)
        let sharedCount = Int(Double(shape.items) * SearchBodies.sharedFraction)
        return (0..<shape.upstreams).map { upstream in
            let members = (0..<shape.items).map { index -> (key: String, value: JSONValue) in
                let key = index < sharedCount ? "field_\(index)" : "upstream\(upstream)_field_\(index)"
                return (key: key, value: value(index, random: &random))
            }
            return JSONValue.object(JSONObject(members)).serialized()
        }
    }

    private static func value(_ index: Int, random: inout SplitMixGenerator) -> JSONValue {
        switch index % 4 {
        case 0: return .int(Int64.random(in: 0..<1_000_000, using: &random))
        case 1: return .string("value-\(UInt32.random(in: 0..<UInt32.max, using: &random))")
        case 2: return .bool(Bool.random(using: &random))
        default:
            return .object(JSONObject([
                (key: "id", value: .int(Int64.random(in: 0..<1_000_000, using: &random))),
                (key: "label", value: .string("label-\(index)")),
                (key: "tags", value: .array([.string("a"), .string("b")])),
            ]))
        }
    }
}
