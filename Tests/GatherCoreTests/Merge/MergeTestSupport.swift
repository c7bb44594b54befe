@testable import GatherCore

/// Builds contributions from trees (serialised, then indexed like an upstream body) and reads
/// merge outputs back as trees or texts, so merge tests can state their cases briefly.
extension UpstreamContribution {
    init(name: String, items: [JSONValue], body: JSONValue, weight: Double = 1.0, group: String? = nil) {
        let bodyDocument = document(body.serialized())
        let itemsDocument = document(JSONValue.array(items).serialized())
        self.init(name: name,
                  answer: UpstreamAnswer(body: bodyDocument, itemsDocument: itemsDocument,
                                         items: itemsDocument.elements(of: JSONDocument.root)),
                  weight: weight, group: group)
    }

    /// A contribution straight from body text, items at `items` (list modes) or none.
    init(name: String, bodyText: String, items: JSONPointer? = nil, weight: Double = 1.0, group: String? = nil) throws {
        let body = try JSONDocument(indexing: Array(bodyText.utf8))
        let answer = try items.map { try ItemExtraction.answer(from: body, at: $0, map: []).get() }
            ?? UpstreamAnswer(body: body)
        self.init(name: name, answer: answer, weight: weight, group: group)
    }
}

private func document(_ bytes: [UInt8]) -> JSONDocument {
    // Serialised trees are always valid JSON.
    try! JSONDocument(indexing: bytes)
}

extension MergedList {
    /// Each item as written into the answer.
    var texts: [String] {
        entries.indices.map { position in
            var writer = JSONWriter()
            writeItem(position, into: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// The whole list as written.
    var text: String {
        var writer = JSONWriter()
        write(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension MergeOutput {
    var itemValues: [JSONValue]? { items?.values }

    var dataValue: JSONValue? { data?.value(contributions: contributions) }

    /// `data` as written.
    var dataText: String? {
        guard let data else { return nil }
        var writer = JSONWriter()
        data.write(into: &writer, contributions: contributions)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    var summaryValues: [(name: String, value: JSONValue)]? {
        summary?.map { entry in
            var writer = JSONWriter()
            entry.value.write(into: &writer, contributions: contributions)
            return (entry.name, (try? JSONParser.parse(writer.bytes)) ?? .null)
        }
    }

    /// Summary values as written.
    var summaryTexts: [String]? {
        summary?.map { entry in
            var writer = JSONWriter()
            entry.value.write(into: &writer, contributions: contributions)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }
}
