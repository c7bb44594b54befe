/// What one `ok` upstream brings to the merge; the merge receives these in route order.
public struct UpstreamContribution: Sendable {
    public var name: String
    /// The extracted (and mapped) items; empty for modes that merge whole bodies.
    public var items: [JSONValue]
    /// The whole parsed body, for `summary` pointers and whole-body modes.
    public var body: JSONValue
    public var weight: Double
    /// `object` mode: the key this upstream's value goes under.
    public var group: String?
    /// Whole-value modes (`object`, `vote`): the value already taken at the upstream's own
    /// `items` pointer. When set it is used as is, instead of resolving the stage's pointer.
    public var value: JSONValue?

    public init(name: String, items: [JSONValue], body: JSONValue, weight: Double = 1.0, group: String? = nil,
                value: JSONValue? = nil) {
        self.name = name
        self.items = items
        self.body = body
        self.weight = weight
        self.group = group
        self.value = value
    }
}
