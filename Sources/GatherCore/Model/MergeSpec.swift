/// How the upstreams' answers become one (contract: "Merge semantics").
public struct MergeSpec: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        case concat, sort, fuse, object, vote
    }

    public var mode: Mode
    /// Default pointer to each upstream's array (list modes) or object (`object`, `vote`).
    public var items: JSONPointer?
    public var dedupe: DedupeSpec?
    public var sort: SortSpec?
    public var fusion: FusionSpec?
    public var limit: Int?
    public var provenance: Bool
    /// `object` mode: concatenate arrays instead of replacing them.
    public var append: Bool
    public var summary: [SummarySpec]

    public init(mode: Mode = .concat, items: JSONPointer? = nil, dedupe: DedupeSpec? = nil,
                sort: SortSpec? = nil, fusion: FusionSpec? = nil, limit: Int? = nil,
                provenance: Bool = true, append: Bool = false, summary: [SummarySpec] = []) {
        self.mode = mode
        self.items = items
        self.dedupe = dedupe
        self.sort = sort
        self.fusion = fusion
        self.limit = limit
        self.provenance = provenance
        self.append = append
        self.summary = summary
    }
}

public struct DedupeSpec: Sendable, Equatable {
    public enum Normalize: String, Sendable, Equatable { case none, lower, url }
    public var key: JSONPointer
    public var normalize: Normalize

    public init(key: JSONPointer, normalize: Normalize = .none) {
        self.key = key
        self.normalize = normalize
    }
}

public struct SortSpec: Sendable, Equatable {
    public enum Order: String, Sendable, Equatable { case asc, desc }
    public var by: JSONPointer
    public var order: Order

    public init(by: JSONPointer, order: Order = .asc) {
        self.by = by
        self.order = order
    }
}

public struct FusionSpec: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable { case rrf, combsum, combmnz, max }
    public var method: Method
    public var k: Double
    public var score: JSONPointer?

    public init(method: Method = .rrf, k: Double = 60, score: JSONPointer? = nil) {
        self.method = method
        self.k = k
        self.score = score
    }
}

/// One `summary:` entry: a reducer over a pointer into each ok upstream's body.
public struct SummarySpec: Sendable, Equatable {
    public enum Reducer: String, Sendable, Equatable, CaseIterable { case sum, min, max, avg, count }
    public var name: String
    public var reducer: Reducer
    public var pointer: JSONPointer

    public init(name: String, reducer: Reducer, pointer: JSONPointer) {
        self.name = name
        self.reducer = reducer
        self.pointer = pointer
    }
}

/// One `map:` entry: build an item's field from a pointer into the upstream's item.
public struct FieldMapping: Sendable, Equatable {
    public var field: String
    public var pointer: JSONPointer

    public init(field: String, pointer: JSONPointer) {
        self.field = field
        self.pointer = pointer
    }
}
