/// Finds the list an upstream contributes, deciding `bad_body` before anything is merged.
public enum ItemExtraction {
    /// The items at `pointer` in `body` (the body itself when `pointer` is nil). With `map`, each
    /// item is rebuilt as a new object holding the mapped fields in map order (a field whose
    /// pointer is missing in that item is left out), written by copying the values' bytes into
    /// one new document for the whole list.
    public static func answer(from body: JSONDocument, at pointer: JSONPointer?,
                              map: [FieldMapping]) -> Result<UpstreamAnswer, Failure> {
        let list: Int
        if let pointer, !pointer.tokens.isEmpty {
            guard let found = body.resolve(pointer) else {
                return .failure(Failure(message: "pointer \(pointer) is missing"))
            }
            guard body.kind(found) == .array else {
                return .failure(Failure(message: "\(pointer) is not an array"))
            }
            list = found
        } else {
            guard body.kind(JSONDocument.root) == .array else {
                return .failure(Failure(message: "body is not an array"))
            }
            list = JSONDocument.root
        }
        guard !map.isEmpty else {
            return .success(UpstreamAnswer(body: body, items: body.elements(of: list)))
        }
        return mapped(body, list: list, by: map)
    }

    private static func mapped(_ body: JSONDocument, list: Int,
                               by map: [FieldMapping]) -> Result<UpstreamAnswer, Failure> {
        var writer = JSONWriter(reservingCapacity: body.range(list).count + 64)
        writer.writeByte(UInt8(ascii: "["))
        var item = list + 1
        var first = true
        while item < body.next(list) {
            if !first { writer.writeByte(UInt8(ascii: ",")) }
            first = false
            writer.writeByte(UInt8(ascii: "{"))
            var firstField = true
            for mapping in map {
                guard let value = body.resolve(mapping.pointer, from: item) else { continue }
                if !firstField { writer.writeByte(UInt8(ascii: ",")) }
                firstField = false
                writer.writeKey(mapping.field)
                writer.write(body, value)
            }
            writer.writeByte(UInt8(ascii: "}"))
            item = body.next(item)
        }
        writer.writeByte(UInt8(ascii: "]"))
        // Built from values already validated, so only the depth limit can refuse it: a field
        // mapping a whole item nests it one level deeper than the body held it.
        guard let document = try? JSONDocument(indexing: writer.bytes) else {
            return .failure(Failure(message: "map: items nest deeper than \(JSONParser.maximumDepth) levels"))
        }
        return .success(UpstreamAnswer(body: body, itemsDocument: document, items: document.elements(of: JSONDocument.root)))
    }

    /// Why an upstream's body holds no list to merge; the upstream is then reported `bad_body`.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String

        public init(message: String) {
            self.message = message
        }

        public var description: String { message }
    }
}
