/// Why an upstream's body holds no list to merge; the upstream is then reported `bad_body`.
public struct ItemExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
