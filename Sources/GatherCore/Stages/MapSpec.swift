/// `each:` — an upstream called once per item (or per batch of items) of an array.
public struct MapSpec: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The client's JSON body.
        case body
        /// An earlier upstream's answer (a need).
        case upstream(String)
    }

    public var from: Source
    /// Where the array is in the source.
    public var items: JSONPointer
    /// Items per call; 1 = one call per item, `{item/…}` readable.
    public var batch: Int
    /// Batches only: the call's body is `{"KEY": [ … ]}` instead of the bare array.
    public var wrap: String?
    /// Each call's answer goes into the item that produced it under this key, and the enriched
    /// items are the route's items (batch 1).
    public var attach: String?

    public init(from: Source, items: JSONPointer, batch: Int = 1, wrap: String? = nil, attach: String? = nil) {
        self.from = from
        self.items = items
        self.batch = batch
        self.wrap = wrap
        self.attach = attach
    }
}
