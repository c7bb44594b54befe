/// What one `ok` upstream brings to the merge; the merge receives these in route order.
public struct UpstreamContribution: Sendable {
    public var name: String
    public var answer: UpstreamAnswer
    public var weight: Double
    /// `object` mode: the key this upstream's value goes under.
    public var group: String?

    public init(name: String, answer: UpstreamAnswer, weight: Double = 1.0, group: String? = nil) {
        self.name = name
        self.answer = answer
        self.weight = weight
        self.group = group
    }

    public var body: JSONDocument { answer.body }
    public var itemsDocument: JSONDocument { answer.itemsDocument }
    public var items: [Int] { answer.items }

    /// The value a whole-value mode takes from this upstream: its own pointer's value, else the
    /// stage's pointer into the body (the whole body when that is unset); nil when missing.
    func wholeValue(stagePointer: JSONPointer?) -> Int? {
        if let value = answer.value { return value }
        guard let stagePointer else { return JSONDocument.root }
        return answer.body.resolve(stagePointer)
    }
}
