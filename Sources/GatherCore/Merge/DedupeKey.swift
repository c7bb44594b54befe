/// The identity dedupe compares: a key value after normalisation. Integral doubles compare
/// equal to the same integer so that `1` and `1.0` are one key.
enum DedupeKey: Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Arrays and objects compare by their compact JSON text (member order matters).
    case serialized([UInt8])

    /// The key of `item` under `spec`; nil when the key is missing or null, because items
    /// without a key must never be merged with each other.
    init?(of item: JSONValue, spec: DedupeSpec) {
        guard let value = spec.key.resolve(in: item) else { return nil }
        if case .string(let text) = value {
            self = .string(KeyNormalization.apply(spec.normalize, to: text))
            return
        }
        self.init(value: value)
    }

    /// The identity of a whole item, for fusion when no dedupe key is configured.
    init?(value: JSONValue) {
        switch value {
        case .null:
            return nil
        case .bool(let flag):
            self = .bool(flag)
        case .int(let number):
            self = .int(number)
        case .double(let number):
            if number == number.rounded(), abs(number) < 9.2e18 {
                self = .int(Int64(number))
            } else {
                self = .double(number)
            }
        case .string(let text):
            self = .string(text)
        case .array, .object:
            self = .serialized(value.serialized())
        }
    }
}
