/// Applies a dedupe key's `normalize:` setting to a string key.
enum KeyNormalization {
    static func apply(_ mode: DedupeSpec.Normalize, to text: String) -> String {
        switch mode {
        case .none: return text
        case .lower: return text.lowercased()
        case .url: return URLNormalizer.normalize(text)
        }
    }
}
