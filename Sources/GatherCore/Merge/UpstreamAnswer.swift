/// An `ok` upstream's indexed body and what the route reads from it, found once on the
/// transfer thread: the items (list modes) or the value (whole-value modes).
public struct UpstreamAnswer: Sendable {
    /// The body as sent, for `summary:` pointers and whole-value modes.
    public var body: JSONDocument
    /// Where `items` live: `body` itself, or the document `map:` built from it.
    public var itemsDocument: JSONDocument
    /// Positions of the items in `itemsDocument`, in the upstream's order.
    public var items: [Int]
    /// Whole-value modes (`object`, `vote`): the value at the upstream's own `items` pointer, in
    /// `body`. Nil when the stage's pointer (or the whole body) applies.
    public var value: Int?

    public init(body: JSONDocument, itemsDocument: JSONDocument? = nil, items: [Int] = [], value: Int? = nil) {
        self.body = body
        self.itemsDocument = itemsDocument ?? body
        self.items = items
        self.value = value
    }
}
