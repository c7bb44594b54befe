extension JSONDocument {
    /// The value at `position` as a `JSONValue` tree, for the places that want one (fixture
    /// files, admin answers, tests), never the answer path. A number beyond Double's range has
    /// no `JSONValue` and is an error here, though the document itself holds it fine.
    public func value(_ position: Int = JSONDocument.root) throws -> JSONValue {
        switch kind(position) {
        case .null: return .null
        case .trueValue: return .bool(true)
        case .falseValue: return .bool(false)
        case .string: return .string(string(position) ?? "")
        case .number:
            switch number(position) {
            case .int(let exact)?: return .int(exact)
            case .double(let approximate)?: return .double(approximate)
            case nil:
                throw JSONParseError(offset: range(position).lowerBound, message: "number \(text(of: position)) is out of range")
            }
        case .array:
            var values: [JSONValue] = []
            values.reserveCapacity(count(position))
            var child = position + 1
            while child < next(position) {
                values.append(try value(child))
                child = next(child)
            }
            return .array(values)
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(count(position))
            var key = position + 1
            while key < next(position) {
                members.append((string(key) ?? "", try value(key + 1)))
                key = next(key + 1)
            }
            return .object(JSONObject(members))
        }
    }
}
