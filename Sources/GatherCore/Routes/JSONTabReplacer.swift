/// libyaml reads JSON as YAML flow style but refuses a tab where a block could start (the
/// indentation of a tab-indented JSON file). A tab outside a string is only whitespace in
/// JSON, so it becomes a space; columns stay the same because libyaml counts a tab as one.
enum JSONTabReplacer {
    static func replacingTabsOutsideStrings(_ text: String) -> String {
        guard text.utf8.contains(0x09) else { return text }
        var bytes = Array(text.utf8)
        var inString = false
        var escaped = false
        for index in bytes.indices {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == 0x09 {
                bytes[index] = 0x20
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
