import Yams

extension RouteFileParser {
    static let mergeKeys = ["mode", "items", "dedupe", "sort", "fusion", "limit", "provenance", "append", "summary"]

    /// nil when the block had errors (they are reported).
    mutating func parseMerge(_ node: Node) -> MergeSpec? {
        let errorsBefore = reader.errors.count
        guard let fields = reader.mapping(node, "merge", allowed: Self.mergeKeys) else { return nil }
        var merge = MergeSpec()
        if let modeNode = fields["mode"],
           let mode = reader.choice(modeNode, "merge.mode", [MergeSpec.Mode.concat, .sort, .fuse, .object, .vote]) {
            merge.mode = mode
        }
        merge.items = fields["items"].flatMap { reader.pointer($0, "merge.items") }
        if let dedupeNode = fields["dedupe"],
           let dedupe = reader.mapping(dedupeNode, "dedupe", allowed: ["key", "normalize"], required: ["key"]) {
            let key = dedupe["key"].flatMap { reader.pointer($0, "dedupe.key") }
            let normalize = dedupe["normalize"].flatMap {
                reader.choice($0, "dedupe.normalize", [DedupeSpec.Normalize.none, .lower, .url])
            } ?? DedupeSpec.Normalize.none
            merge.dedupe = key.map { DedupeSpec(key: $0, normalize: normalize) }
        }
        if let sortNode = fields["sort"],
           let sort = reader.mapping(sortNode, "sort", allowed: ["by", "order"], required: ["by"]) {
            let by = sort["by"].flatMap { reader.pointer($0, "sort.by") }
            let order = sort["order"].flatMap { reader.choice($0, "sort.order", [SortSpec.Order.asc, .desc]) } ?? .asc
            merge.sort = by.map { SortSpec(by: $0, order: order) }
        }
        if let fusionNode = fields["fusion"],
           let fusion = reader.mapping(fusionNode, "fusion", allowed: ["method", "k", "score"]) {
            var spec = FusionSpec()
            if let methodNode = fusion["method"],
               let method = reader.choice(methodNode, "fusion.method", [FusionSpec.Method.rrf, .combsum, .combmnz, .max]) {
                spec.method = method
            }
            if let k = fusion["k"].flatMap({ reader.number($0, "fusion.k", minimum: 0) }) { spec.k = k }
            spec.score = fusion["score"].flatMap { reader.pointer($0, "fusion.score") }
            if spec.method != .rrf, spec.score == nil {
                reader.fail(fusion["method"] ?? fusionNode,
                            "fusion method \(spec.method.rawValue) needs fusion.score (a pointer to each item's score)")
            }
            merge.fusion = spec
        }
        merge.limit = fields["limit"].flatMap { reader.integer($0, "limit", in: 1...Int.max) }
        if let provenance = fields["provenance"].flatMap({ reader.bool($0, "provenance") }) { merge.provenance = provenance }
        if let append = fields["append"].flatMap({ reader.bool($0, "append") }) { merge.append = append }
        if let summaryNode = fields["summary"] { merge.summary = parseSummary(summaryNode) }
        checkModeFields(merge, fields)
        return reader.errors.count == errorsBefore ? merge : nil
    }

    /// Settings that only one mode reads are refused elsewhere: they would be silently ignored.
    private mutating func checkModeFields(_ merge: MergeSpec, _ fields: MappingFields) {
        let listModes: [MergeSpec.Mode] = [.concat, .sort, .fuse]
        let mode = merge.mode
        if mode == .sort, fields["sort"] == nil {
            reader.fail(fields["mode"] ?? fields.node, "merge mode sort needs sort.by (a pointer to the sort key)")
        }
        if fields["sort"] != nil, mode != .sort, let key = fields.keyNode("sort") {
            reader.fail(key, "sort is only used by merge mode sort")
        }
        if fields["fusion"] != nil, mode != .fuse, let key = fields.keyNode("fusion") {
            reader.fail(key, "fusion is only used by merge mode fuse")
        }
        if fields["dedupe"] != nil, !listModes.contains(mode), let key = fields.keyNode("dedupe") {
            reader.fail(key, "dedupe is only used by the list modes (concat, sort, fuse)")
        }
        if fields["limit"] != nil, !listModes.contains(mode), let key = fields.keyNode("limit") {
            reader.fail(key, "limit is only used by the list modes (concat, sort, fuse)")
        }
        if fields["append"] != nil, mode != .object, let key = fields.keyNode("append") {
            reader.fail(key, "append is only used by merge mode object")
        }
    }

    /// `summary: { total_hits: { sum: /total } }`: one reducer and pointer per name.
    private mutating func parseSummary(_ node: Node) -> [SummarySpec] {
        guard let entries = reader.namedEntries(node, "summary") else { return [] }
        let reducers = SummarySpec.Reducer.allCases.map(\.rawValue).joined(separator: ", ")
        var specs: [SummarySpec] = []
        for entry in entries {
            guard let inner = reader.namedEntries(entry.value, "summary.\(entry.key)") else { continue }
            guard inner.count == 1, let only = inner.first else {
                reader.fail(entry.value, "summary.\(entry.key) needs exactly one of \(reducers), e.g. { sum: /total }")
                continue
            }
            guard let reducer = SummarySpec.Reducer(rawValue: only.key) else {
                reader.fail(only.keyNode, "unknown summary reducer '\(only.key)'; use one of \(reducers)")
                continue
            }
            if let pointer = reader.pointer(only.value, "summary.\(entry.key).\(only.key)") {
                specs.append(SummarySpec(name: entry.key, reducer: reducer, pointer: pointer))
            }
        }
        return specs
    }
}
