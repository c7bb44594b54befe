/// Finds the list an upstream contributes, deciding `bad_body` before anything is merged.
public enum ItemExtraction {
    /// The items at `pointer` in `body` (the body itself when `pointer` is nil), each rebuilt
    /// from `map` when it is not empty: a new object holding the mapped fields in map order,
    /// leaving out a field whose pointer is missing in that item.
    public static func items(from body: JSONValue, at pointer: JSONPointer?,
                             map: [FieldMapping]) -> Result<[JSONValue], ItemExtractionError> {
        let list: [JSONValue]
        if let pointer, !pointer.tokens.isEmpty {
            guard let found = pointer.resolve(in: body) else {
                return .failure(ItemExtractionError(message: "pointer \(pointer) is missing"))
            }
            guard let values = found.arrayValue else {
                return .failure(ItemExtractionError(message: "\(pointer) is not an array"))
            }
            list = values
        } else {
            guard let values = body.arrayValue else {
                return .failure(ItemExtractionError(message: "body is not an array"))
            }
            list = values
        }
        guard !map.isEmpty else { return .success(list) }
        return .success(list.map { mapped($0, by: map) })
    }

    private static func mapped(_ item: JSONValue, by map: [FieldMapping]) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(map.count)
        for mapping in map {
            if let value = mapping.pointer.resolve(in: item) {
                members.append((mapping.field, value))
            }
        }
        return .object(JSONObject(members))
    }
}
