/// Applies a dedupe key's `normalize:` setting to a string key's UTF-8 content.
enum KeyNormalization {
    static func apply(_ mode: DedupeSpec.Normalize, to text: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        switch mode {
        case .none:
            output.append(contentsOf: text)
        case .lower:
            if text.allSatisfy({ $0 < 0x80 }) {
                for byte in text {
                    output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                }
            } else {
                // Unicode case mapping (`É` → `é`, `ẞ` → `ß`) only for the rare non-ASCII key.
                output.append(contentsOf: String(decoding: text, as: UTF8.self).lowercased().utf8)
            }
        case .url:
            URLNormalizer.normalize(text.bindMemory(to: UInt8.self), into: &output)
        }
    }
}
