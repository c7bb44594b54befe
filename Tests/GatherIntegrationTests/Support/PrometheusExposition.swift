/// A Prometheus text exposition (format 0.0.4) parsed into samples, so tests compare values by
/// exact name and label set instead of searching for substrings. Parsing is strict: a malformed
/// line, a duplicate series or a sample without a `# TYPE` for its family is an error.
struct PrometheusExposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var samples: [Sample] = []
    /// Family name → `counter`, `gauge`, `histogram`, …
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        var seen = Set<String>()
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = String(rawLine)
            func fail(_ why: String) -> FormatError { FormatError(description: "line \(number + 1): \(why): \(line)") }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3)
                if words.count >= 4, words[1] == "TYPE" {
                    guard types[String(words[2])] == nil else { throw fail("second TYPE line") }
                    types[String(words[2])] = String(words[3])
                }
                continue
            }
            var scanner = Substring(line)
            let name = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
            guard !name.isEmpty else { throw fail("no metric name") }
            scanner = scanner.dropFirst(name.count)
            var labels: [String: String] = [:]
            if scanner.first == "{" {
                scanner = scanner.dropFirst()
                while scanner.first != "}" {
                    let label = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    scanner = scanner.dropFirst(label.count)
                    guard !label.isEmpty, scanner.hasPrefix("=\"") else { throw fail("bad label") }
                    scanner = scanner.dropFirst(2)
                    var value = ""
                    while let character = scanner.first, character != "\"" {
                        scanner = scanner.dropFirst()
                        if character == "\\" {
                            switch scanner.first {
                            case "n": value.append("\n")
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            default: throw fail("bad escape")
                            }
                            scanner = scanner.dropFirst()
                        } else {
                            value.append(character)
                        }
                    }
                    guard scanner.first == "\"" else { throw fail("unterminated label value") }
                    scanner = scanner.dropFirst()
                    guard labels.updateValue(value, forKey: label) == nil else { throw fail("label \(label) twice") }
                    if scanner.first == "," { scanner = scanner.dropFirst() }
                }
                scanner = scanner.dropFirst()
            }
            guard scanner.first == " " else { throw fail("no space before the value") }
            let fields = scanner.split(separator: " ")
            guard fields.count == 1 || fields.count == 2, let value = Double(fields[0]) else { throw fail("bad value") }
            guard types[Self.family(of: name, types: types)] != nil else { throw fail("no TYPE for \(name)") }
            let key = name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard seen.insert(key).inserted else { throw fail("duplicate series") }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    /// The value of the series with exactly these labels; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of `name` whose labels include `matching`.
    func samples(_ name: String, matching: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in
            sample.name == name && matching.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// A histogram's `_bucket`, `_sum` and `_count` belong to the family without the suffix.
    private static func family(of name: String, types: [String: String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }
}
