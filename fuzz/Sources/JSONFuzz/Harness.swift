import Foundation
import GatherCore

/// One libFuzzer input: index it with `JSONDocument`, compare validity with Foundation's
/// `JSONSerialization`, and when valid check the tape, the byte writer, the canonical form and
/// pointer lookup against the harness's own re-derivations (`Reference`). A broken invariant is
/// a `fatalError`, which libFuzzer reports as a crash with the input saved; with
/// `JSONFUZZ_REPORT=1` it is printed instead and the run goes on (for triage over a corpus).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try Check(bytes).run()
    } catch let finding as Finding {
        if Check.reportOnly {
            print("FINDING: \(finding.message)\n  input: \(Check.escaped(bytes))")
        } else {
            fatalError("\(finding.message)\n  input: \(Check.escaped(bytes))")
        }
    } catch {
        fatalError("unexpected error \(error)")
    }
    return 0
}

struct Finding: Error {
    var message: String
}

struct Check {
    static let reportOnly = getenv("JSONFUZZ_REPORT") != nil
    /// Also check what the open findings listed in fuzz/README.md break (skipped by default so
    /// that a run looks for new ones).
    static let strict = getenv("JSONFUZZ_STRICT") != nil
    /// Bound the quadratic parts (per-value writer copies, pointer walks) on large inputs.
    static let writerByteBudget = 1 << 20
    static let pointerTargets = 64

    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) throws {
        if !condition() { throw Finding(message: message()) }
    }

    func run() throws {
        let document: JSONDocument?
        let gatherError: JSONParseError?
        do {
            document = try JSONDocument(indexing: bytes)
            gatherError = nil
        } catch let error as JSONParseError {
            document = nil
            gatherError = error
        }
        if let gatherError {
            try require(gatherError.offset >= 0 && gatherError.offset <= bytes.count,
                        "error offset \(gatherError.offset) outside the input (\(bytes.count) bytes): \(gatherError)")
        }
        try compareWithFoundation(document, gatherError)
        guard let document else { return }
        try checkTape(document)
        try checkWriter(document)
        try checkCanonical(document)
        try checkPointers(document)
        try checkConversion(document)
        try checkMerges(document)
    }

    // MARK: Differential validity against Foundation

    /// Both must agree on whether the input is JSON, except for the differences listed here,
    /// each observed with this toolchain's Foundation (swift-corelibs-foundation on Linux) and
    /// each checked as narrowly as the harness can: any other disagreement is a finding.
    func compareWithFoundation(_ document: JSONDocument?, _ gatherError: JSONParseError?) throws {
        let foundation: Any?
        let foundationError: Error?
        do {
            foundation = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
            foundationError = nil
        } catch {
            foundation = nil
            foundationError = error
        }
        switch (document, foundation) {
        case (nil, nil):
            return
        case (let document?, let foundation?):
            try compareValues(document, JSONDocument.root, foundation, path: "")
        case (let document?, nil):
            // 1. A number beyond Double's range (`1e400`, `-1e+9999`): Foundation cannot
            //    represent it and rejects the whole text ("Number … is not representable in
            //    Swift"); gather keeps the number's text and passes it through (issue 9 item 3;
            //    it counts as missing only as a sort key or score).
            if hasOutOfRangeNumber(document), "\(foundationError!)".contains("is not representable") { return }
            throw Finding(message: "gather accepts what Foundation rejects: \(foundationError!)")
        case (nil, _?):
            let message = gatherError?.message ?? ""
            // 2. Nesting deeper than 256: gather's limit (JSONIndexer.maximumDepth);
            //    Foundation's is 512.
            if message.hasPrefix("nesting deeper than"), Reference.maximumDepth(bytes) > JSONParser.maximumDepth { return }
            // 3. A trailing comma before `]` or `}` (`[1,]`, `{"a":1,}`): Foundation accepts it
            //    (but not `[,]`); RFC 8259 does not, nor does gather. Known when removing the
            //    trailing commas leaves text gather accepts.
            if (try? JSONDocument(indexing: Reference.removingTrailingCommas(bytes))) != nil { return }
            // 4. UTF-16 and UTF-32: Foundation decodes a text that starts with their byte order
            //    mark, or with NUL bytes among its first four (`detectEncoding`); gather reads
            //    UTF-8 only, which RFC 8259 §8.1 requires between systems.
            if Reference.foundationReadsAsUTF16or32(bytes) { return }
            throw Finding(message: "Foundation accepts what gather rejects: \(gatherError.map { "\($0)" } ?? "")")
        }
    }

    func hasOutOfRangeNumber(_ document: JSONDocument) -> Bool {
        var position = JSONDocument.root
        let end = document.next(JSONDocument.root)
        while position < end {
            if document.kind(position) == .number, document.number(position) == nil { return true }
            position += 1
        }
        return false
    }

    /// Where both accept, they must read the same structure and the same string contents.
    func compareValues(_ document: JSONDocument, _ position: Int, _ foundation: Any, path: String) throws {
        let kind = document.kind(position)
        switch kind {
        case .null:
            try require(foundation is NSNull, "\(path): gather null, Foundation \(type(of: foundation))")
        case .trueValue, .falseValue:
            try require((foundation as? NSNumber)?.boolValue == (kind == .trueValue),
                        "\(path): gather \(kind), Foundation \(foundation)")
        case .number:
            try require(foundation is NSNumber, "\(path): gather number, Foundation \(type(of: foundation))")
        case .string:
            guard let string = foundation as? String else {
                throw Finding(message: "\(path): gather string, Foundation \(type(of: foundation))")
            }
            let content = document.withStringContent(position) { Array($0) }
            let theirs = Array(string.utf8)
            // 5. Foundation drops a raw U+FEFF (EF BB BF) that begins a string or follows an
            //    escape in it (it decodes each run between escapes as UTF-8 text and strips a
            //    leading byte order mark): `["\u{FEFF}"]` reads as `[""]`. gather keeps the
            //    bytes, as RFC 8259 says. Known when the raw text holds EF BB BF and both
            //    agree once every U+FEFF is removed.
            if theirs != content, document.withBytes(of: position, { Reference.contains($0, Reference.bom) }),
               Reference.removing(Reference.bom, from: theirs) == Reference.removing(Reference.bom, from: content) {
                return
            }
            try require(theirs == content,
                        "\(path): string content differs: gather \(Check.escaped(content)), Foundation \(Check.escaped(Array(string.utf8)))")
        case .array:
            guard let array = foundation as? [Any] else {
                throw Finding(message: "\(path): gather array, Foundation \(type(of: foundation))")
            }
            let elements = document.elements(of: position)
            try require(array.count == elements.count, "\(path): gather \(elements.count) elements, Foundation \(array.count)")
            for (index, element) in elements.enumerated() {
                try compareValues(document, element, array[index], path: "\(path)/\(index)")
            }
        case .object:
            guard let object = foundation as? [String: Any] else {
                throw Finding(message: "\(path): gather object, Foundation \(type(of: foundation))")
            }
            // Foundation's dictionary keeps the last of repeated names and compares keys as
            // Swift Strings (canonical equivalence: "é" == "e\u{301}"); gather keeps bytes and
            // the first. Only names that are unique under both are compared value for value.
            let members = document.members(of: position)
            var occurrences: [String: Int] = [:]
            for member in members { occurrences[document.string(member.key)!, default: 0] += 1 }
            // Known difference 5 (below, for strings) applies to names as well.
            func withoutBOMs(_ names: some Sequence<String>) -> Set<String> {
                Set(names.map { String(decoding: Reference.removing(Reference.bom, from: Array($0.utf8)), as: UTF8.self) })
            }
            if Set(occurrences.keys) != Set(object.keys),
               document.withBytes(of: position, { Reference.contains($0, Reference.bom) }),
               withoutBOMs(occurrences.keys) == withoutBOMs(object.keys) {
                // Names compared; values only under names both read alike (the loop below).
            } else {
                try require(Set(occurrences.keys) == Set(object.keys),
                            "\(path): object names differ: gather \(occurrences.keys.sorted()), Foundation \(object.keys.sorted())")
            }
            for member in members {
                let name = document.string(member.key)!
                guard occurrences[name] == 1, let value = object[name] else { continue }
                try compareValues(document, member.value, value, path: "\(path)/\(name)")
            }
        }
    }

    // MARK: The tape

    func checkTape(_ document: JSONDocument) throws {
        let root = JSONDocument.root
        let significant = Reference.significantRange(bytes)
        try require(document.range(root) == significant,
                    "root range \(document.range(root)) is not the non-whitespace text \(significant)")
        try checkValue(document, root, within: significant)
    }

    /// Every entry: its range inside its parent's and the input, its first and last bytes, its
    /// flags, its children laid end to end with only separators and whitespace between.
    func checkValue(_ document: JSONDocument, _ position: Int, within parent: Range<Int>) throws {
        let range = document.range(position)
        let kind = document.kind(position)
        try require(range.lowerBound >= 0 && range.upperBound <= bytes.count && !range.isEmpty,
                    "entry \(position) (\(kind)) has range \(range) outside the \(bytes.count) input bytes")
        try require(range.lowerBound >= parent.lowerBound && range.upperBound <= parent.upperBound,
                    "entry \(position) range \(range) outside its parent's \(parent)")
        try require(document.next(position) > position, "entry \(position) next \(document.next(position)) does not advance")
        let text = bytes[range]
        let first = text.first!
        let last = text.last!
        switch kind {
        case .null, .trueValue, .falseValue:
            let literal = kind == .null ? "null" : kind == .trueValue ? "true" : "false"
            try require(Array(text) == Array(literal.utf8), "entry \(position) is \(kind) but reads \(Check.escaped(Array(text)))")
        case .number:
            try require(Reference.isNumberText(text), "entry \(position) is a number but reads \(Check.escaped(Array(text)))")
            let integral = !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
            try require(document.isIntegerText(position) == integral, "entry \(position) isIntegerText is wrong for \(Check.escaped(Array(text)))")
        case .string:
            try require(text.count >= 2 && first == UInt8(ascii: "\"") && last == UInt8(ascii: "\""),
                        "entry \(position) is a string but reads \(Check.escaped(Array(text)))")
            try require(document.hasEscapes(position) == text.contains(UInt8(ascii: "\\")),
                        "entry \(position) hasEscapes is wrong for \(Check.escaped(Array(text)))")
        case .array, .object:
            let (open, close) = kind == .array ? (UInt8(ascii: "["), UInt8(ascii: "]")) : (UInt8(ascii: "{"), UInt8(ascii: "}"))
            try require(first == open && last == close, "entry \(position) is \(kind) but spans \(Check.escaped(Array(text)))")
            try require(document.hasWhitespace(position) == Reference.hasWhitespaceOutsideStrings(text),
                        "entry \(position) hasWhitespace is \(document.hasWhitespace(position)) for \(Check.escaped(Array(text)))")
            try checkChildren(document, position, kind)
        }
        if kind != .array && kind != .object {
            try require(document.next(position) == position + 1, "scalar entry \(position) has next \(document.next(position))")
            try require(document.count(position) == 0, "scalar entry \(position) has count \(document.count(position))")
        }
    }

    func checkChildren(_ document: JSONDocument, _ position: Int, _ kind: JSONKind) throws {
        let range = document.range(position)
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        var cursor = inner.lowerBound  // the first byte not yet accounted for
        var child = position + 1
        var children: [Int] = []
        let end = document.next(position)
        /// Only whitespace, then `separator` (when given), then whitespace up to `upTo`.
        func gap(upTo: Int, separator: UInt8?) throws {
            var bytesBetween = Array(bytes[cursor..<upTo])
            bytesBetween.removeAll(where: Reference.isWhitespace)
            let expected = separator.map { [$0] } ?? []
            try require(bytesBetween == expected,
                        "between \(cursor) and \(upTo) inside entry \(position) (\(kind)): \(Check.escaped(Array(bytes[cursor..<upTo])))")
        }
        while child < end {
            let childRange = document.range(child)
            try require(childRange.lowerBound >= cursor, "child \(child) of \(position) starts at \(childRange.lowerBound), before \(cursor)")
            let separator: UInt8?
            if children.isEmpty {
                separator = nil
            } else if kind == .object && children.count % 2 == 1 {
                separator = UInt8(ascii: ":")
            } else {
                separator = UInt8(ascii: ",")
            }
            try gap(upTo: childRange.lowerBound, separator: separator)
            if kind == .object && children.count % 2 == 0 {
                try require(document.kind(child) == .string, "key entry \(child) of object \(position) is \(document.kind(child))")
            }
            try checkValue(document, child, within: inner)
            children.append(child)
            cursor = childRange.upperBound
            try require(document.next(child) <= end, "child \(child) of \(position) ends its subtree at \(document.next(child)), past \(end)")
            child = document.next(child)
        }
        try require(child == end, "children of \(position) end at \(child), not \(end)")
        try gap(upTo: inner.upperBound, separator: nil)
        if kind == .array {
            try require(document.count(position) == children.count, "array \(position) count \(document.count(position)), \(children.count) elements")
            try require(document.elements(of: position) == children, "array \(position) elements(of:) differ from its children")
        } else {
            try require(children.count % 2 == 0, "object \(position) has an odd number of children")
            try require(document.count(position) == children.count / 2, "object \(position) count \(document.count(position)), \(children.count / 2) members")
            let members = document.members(of: position)
            try require(members.map(\.key) == stride(from: 0, to: children.count, by: 2).map { children[$0] }
                        && members.map(\.value) == stride(from: 1, to: children.count, by: 2).map { children[$0] },
                        "object \(position) members(of:) differ from its children")
        }
    }

    // MARK: The byte writer

    func checkWriter(_ document: JSONDocument) throws {
        let expected = Reference.compact(bytes[Reference.significantRange(bytes)])
        var writer = JSONWriter()
        writer.write(document, JSONDocument.root)
        let written = writer.bytes
        try require(written == expected, "writer output \(Check.escaped(written)) is not the compacted input \(Check.escaped(expected))")
        let rewritten: JSONDocument
        do {
            rewritten = try JSONDocument(indexing: written)
        } catch {
            throw Finding(message: "writer output \(Check.escaped(written)) does not re-index: \(error)")
        }
        try require(!rewritten.hasWhitespace(JSONDocument.root), "writer output still holds whitespace")
        try require(rewritten.next(JSONDocument.root) == document.next(JSONDocument.root),
                    "writer output has \(rewritten.next(JSONDocument.root)) values, the input \(document.next(JSONDocument.root))")
        // Each value on its own, within a budget of bytes copied.
        var budget = Check.writerByteBudget
        var position = JSONDocument.root
        var one = JSONWriter()
        while position < document.next(JSONDocument.root), budget > 0 {
            let range = document.range(position)
            budget -= range.count
            one.reset()
            one.write(document, position)
            let compacted = Reference.compact(bytes[range])
            try require(one.bytes == compacted, "writer output for entry \(position) is \(Check.escaped(one.bytes)), not \(Check.escaped(compacted))")
            try require(rewritten.kind(position) == document.kind(position) && rewritten.count(position) == document.count(position),
                        "entry \(position) differs in the writer's output")
            position += 1
        }
    }

    // MARK: Canonical form

    func checkCanonical(_ document: JSONDocument) throws {
        let canonical = CanonicalJSON.bytes(document)
        let reread: JSONDocument
        do {
            reread = try JSONDocument(indexing: canonical)
        } catch {
            throw Finding(message: "canonical form \(Check.escaped(canonical)) is not JSON: \(error)")
        }
        let again = CanonicalJSON.bytes(reread)
        try require(again == canonical, "canonical form is not stable: \(Check.escaped(canonical)) then \(Check.escaped(again))")
        try require(!reread.hasWhitespace(JSONDocument.root), "canonical form holds whitespace")
        // The writer's compact copy says the same thing.
        var writer = JSONWriter()
        writer.write(document, JSONDocument.root)
        let compact = try JSONDocument(indexing: writer.bytes)
        try require(CanonicalJSON.bytes(compact) == canonical, "the compact copy's canonical form differs")
        // Objects in canonical form: names strictly increasing (sorted, no repeats).
        var position = JSONDocument.root
        while position < reread.next(JSONDocument.root) {
            if reread.kind(position) == .object {
                let names = reread.members(of: position).map { member in reread.withStringContent(member.key) { Array($0) } }
                for index in names.indices.dropFirst() {
                    try require(names[index - 1].lexicographicallyPrecedes(names[index]),
                                "canonical object names not strictly sorted: \(names.map { Check.escaped($0) })")
                }
            }
            position += 1
        }
    }

    // MARK: Pointers

    func checkPointers(_ document: JSONDocument) throws {
        // Depth-first over the document, up to a number of targets: each value with the path
        // of tokens that leads to it.
        var targets: [(tokens: [[UInt8]], position: Int)] = []
        var stack: [(tokens: [[UInt8]], position: Int)] = [([], JSONDocument.root)]
        while let (tokens, position) = stack.popLast().map({ ($0.tokens, $0.position) }), targets.count < Check.pointerTargets {
            targets.append((tokens, position))
            switch document.kind(position) {
            case .array:
                for (index, element) in document.elements(of: position).enumerated().reversed() {
                    stack.append((tokens + [Array(String(index).utf8)], element))
                }
                try checkMissingIndices(document, position)
            case .object:
                var seen = Set<[UInt8]>()
                for member in document.members(of: position) {
                    let name = document.withStringContent(member.key) { Array($0) }
                    // Lookups see the first of repeated names: only that one is a target.
                    if seen.insert(name).inserted {
                        stack.append((tokens + [name], member.value))
                    }
                }
                try checkMissingName(document, position, seen)
            default:
                // Nothing below a scalar.
                try require(document.resolve(JSONPointer(tokens: ["0"]), from: position) == nil,
                            "a pointer resolves below scalar entry \(position)")
            }
        }
        for (tokens, position) in targets {
            let strings = tokens.map { String(decoding: $0, as: UTF8.self) }
            let built = JSONPointer(tokens: strings)
            try require(built.tokens.map { Array($0.utf8) } == tokens, "JSONPointer(tokens:) changed the bytes of \(tokens.map { Check.escaped($0) })")
            try require(document.resolve(built) == position,
                        "pointer \(tokens.map { Check.escaped($0) }) resolves to \(String(describing: document.resolve(built))), not \(position)")
            // The same pointer as RFC 6901 text, parsed.
            let text = tokens.map { [UInt8(ascii: "/")] + Reference.escapePointerToken($0) }.joined()
            let textString = String(decoding: Array(text), as: UTF8.self)
            // F1 (fixed; fuzz/corpus/gather/F1-*): the text form is read by Unicode scalar, so a
            // `/` or `~` that a combining mark follows is still syntax.
            try require(Array(built.description.utf8) == Array(text),
                        "pointer description \(Check.escaped(Array(built.description.utf8))) is not \(Check.escaped(Array(text)))")
            guard let parsed = JSONPointer(textString) else {
                throw Finding(message: "JSONPointer(\(Check.escaped(Array(text)))) is nil; tokens \(tokens.map { Check.escaped($0) })")
            }
            try require(parsed.tokens.map { Array($0.utf8) } == tokens,
                        "JSONPointer(\(Check.escaped(Array(text)))) has tokens \(parsed.tokens.map { Check.escaped(Array($0.utf8)) }), not \(tokens.map { Check.escaped($0) })")
            try require(document.resolve(parsed) == position, "parsed pointer \(Check.escaped(Array(text))) resolves elsewhere")
            // Resolving the rest of the path from an intermediate value gets there too.
            if tokens.count >= 2 {
                let split = tokens.count / 2
                let head = JSONPointer(tokens: Array(strings[..<split]))
                let tail = JSONPointer(tokens: Array(strings[split...]))
                if let middle = document.resolve(head) {
                    try require(document.resolve(tail, from: middle) == position, "pointer split at \(split) resolves elsewhere")
                } else {
                    throw Finding(message: "a prefix of a resolving pointer does not resolve")
                }
            }
        }
    }

    /// Indices past the end, with a leading zero, a sign or anything but digits name nothing.
    func checkMissingIndices(_ document: JSONDocument, _ array: Int) throws {
        let count = document.count(array)
        var tokens = [String(count), "-", "-0", "-1", "+0", " 0", "0 ", "00", "1e0", "0x0", "", "99999999999999999999999"]
        if count >= 2 { tokens.append("01") }
        for token in tokens {
            try require(document.resolve(JSONPointer(tokens: [token]), from: array) == nil,
                        "array index token \(Check.escaped(Array(token.utf8))) resolves in an array of \(count)")
        }
        if count > 0 {
            try require(document.resolve(JSONPointer(tokens: ["0"]), from: array) == array + 1, "index 0 is not the first element")
            try require(document.resolve(JSONPointer(tokens: [String(count - 1)]), from: array) == document.elements(of: array).last,
                        "the last index is not the last element")
        }
    }

    /// A name the object lacks resolves to nothing; an index token resolves only as a name.
    func checkMissingName(_ document: JSONDocument, _ object: Int, _ names: Set<[UInt8]>) throws {
        var missing: [UInt8] = Array("missing".utf8)
        while names.contains(missing) { missing.append(UInt8(ascii: "~")) }
        try require(document.resolve(JSONPointer(tokens: [String(decoding: missing, as: UTF8.self)]), from: object) == nil,
                    "a missing name resolves in object \(object)")
        if !names.contains(Array("0".utf8)) {
            try require(document.resolve(JSONPointer(tokens: ["0"]), from: object) == nil, "token 0 resolves in object \(object) without that name")
        }
    }

    // MARK: Numbers and the conversion to JSONValue

    func checkConversion(_ document: JSONDocument) throws {
        var outOfRange = false
        var position = JSONDocument.root
        while position < document.next(JSONDocument.root) {
            if document.kind(position) == .number {
                let text = bytes[document.range(position)]
                let expected = Reference.number(text)
                let actual: Reference.Number? = document.number(position).map {
                    switch $0 {
                    case .int(let exact): return .int(exact)
                    case .double(let approximate): return .double(approximate.bitPattern)
                    }
                }
                try require(actual == expected,
                            "number \(Check.escaped(Array(text))) reads as \(String(describing: document.number(position))), strtod/Int64 say \(String(describing: expected))")
                if expected == nil { outOfRange = true }
            }
            if document.kind(position) == .string {
                // Decoded content is valid UTF-8 (escapes resolved to scalars).
                let content = document.withStringContent(position) { Array($0) }
                try require(Reference.isValidUTF8(content), "string entry \(position) decodes to invalid UTF-8 \(Check.escaped(content))")
            }
            position += 1
        }
        let converted = Result { try document.value() }
        switch converted {
        case .success:
            try require(!outOfRange, "value() converted a number beyond Double's range")
        case .failure(let error):
            try require(outOfRange, "value() threw without an out-of-range number: \(error)")
        }
    }

    // MARK: Merges: items copied as bytes, gather's members spliced in

    /// The list (the root array, or the first array member of a root object) through item
    /// extraction, `map`, `concat` and `fuse`: every item written must be the upstream's bytes
    /// (whitespace dropped), less any `_score`/`_sources` of its own, plus gather's.
    func checkMerges(_ document: JSONDocument) throws {
        let root = JSONDocument.root
        var pointer: JSONPointer?
        var list = root
        if document.kind(root) == .object {
            let first = document.members(of: root).first { member in
                document.kind(member.value) == .array
                    && document.withStringContent(member.key, { document.member(Array($0), in: root) }) == member.value
            }
            guard let first else { return }
            pointer = JSONPointer(tokens: [document.string(first.key)!])
            list = first.value
        } else if document.kind(root) != .array {
            return
        }
        let answer: UpstreamAnswer
        switch ItemExtraction.answer(from: document, at: pointer, map: []) {
        case .success(let extracted): answer = extracted
        case .failure(let error): throw Finding(message: "item extraction failed: \(error)")
        }
        try require(answer.items == document.elements(of: list), "extracted items are not the list's elements")
        try checkMap(document, list, pointer)

        let name = "up\"stream\\\u{E9}\u{1}"
        let nameJSON = Array(#""up\"stream\\\#u{E9}\u0001""#.utf8)
        let contributions = [UpstreamContribution(name: name, answer: answer)]
        let outputs: [(mode: String, output: MergeOutput, scored: Bool)] = [
            ("concat", ConcatMerge(provenance: true).merge(contributions), false),
            ("fuse", FuseMerge(provenance: true).merge(contributions), true),
        ]
        for (mode, output, scored) in outputs {
            guard let items = output.items else { throw Finding(message: "\(mode) gave no items") }
            var writer = JSONWriter()
            items.write(into: &writer)
            let written: JSONDocument
            do {
                written = try JSONDocument(indexing: writer.bytes)
            } catch {
                throw Finding(message: "\(mode) wrote \(Check.escaped(writer.bytes)), not JSON: \(error)")
            }
            let elements = written.elements(of: root)
            try require(written.kind(root) == .array && elements.count == items.count,
                        "\(mode) wrote \(elements.count) items of \(items.count)")
            let positions = items.positions
            if mode == "concat" {
                try require(positions.map(\.item) == answer.items, "concat changed the items' order")
            }
            for (index, element) in elements.enumerated() {
                try checkSplice(document, positions[index].item, written, element, scored: scored, nameJSON: nameJSON, mode: mode)
            }
        }
    }

    func checkSplice(_ document: JSONDocument, _ source: Int, _ written: JSONDocument, _ element: Int,
                     scored: Bool, nameJSON: [UInt8], mode: String) throws {
        let sourceText = Reference.compact(bytes[document.range(source)])
        let writtenText = Array(written.bytes[written.range(element)])
        guard document.kind(source) == .object else {
            try require(writtenText == sourceText, "\(mode) item \(Check.escaped(writtenText)) is not its upstream's \(Check.escaped(sourceText))")
            return
        }
        let own: Set<[UInt8]> = scored ? [Array("_score".utf8), Array("_sources".utf8)] : [Array("_sources".utf8)]
        let kept = document.members(of: source).filter { member in
            !own.contains(document.withStringContent(member.key) { Array($0) })
        }
        let got = written.members(of: element)
        let message = "\(mode) item \(Check.escaped(writtenText)) from \(Check.escaped(sourceText))"
        try require(got.count == kept.count + (scored ? 2 : 1), "\(message): \(got.count) members")
        for (mine, theirs) in zip(kept, got) {
            try require(Reference.compact(bytes[document.range(mine.key)]) == Array(written.bytes[written.range(theirs.key)])
                        && Reference.compact(bytes[document.range(mine.value)]) == Array(written.bytes[written.range(theirs.value)]),
                        "\(message): member differs")
        }
        var next = kept.count
        if scored {
            try require(written.string(got[next].key) == "_score" && written.number(got[next].value) != nil, "\(message): no _score")
            next += 1
        }
        try require(written.string(got[next].key) == "_sources"
                    && Array(written.bytes[written.range(got[next].value)]) == [UInt8(ascii: "[")] + nameJSON + [UInt8(ascii: "]")],
                    "\(message): _sources is not [\(Check.escaped(nameJSON))]")
    }

    /// `map`: each item rebuilt as an object of the mapped fields, values copied as bytes.
    func checkMap(_ document: JSONDocument, _ list: Int, _ pointer: JSONPointer?) throws {
        let map = [
            FieldMapping(field: "whole\"\u{7F}", pointer: JSONPointer(tokens: [])),
            FieldMapping(field: "first", pointer: JSONPointer(tokens: ["0"])),
            FieldMapping(field: "url", pointer: JSONPointer(tokens: ["url"])),
        ]
        let keys: [[UInt8]] = [Array("\"whole\\\"\u{7F}\":".utf8), Array("\"first\":".utf8), Array("\"url\":".utf8)]
        var expected: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in document.elements(of: list).enumerated() {
            if index > 0 { expected.append(UInt8(ascii: ",")) }
            expected.append(UInt8(ascii: "{"))
            var firstField = true
            for (mapping, key) in zip(map, keys) {
                guard let value = document.resolve(mapping.pointer, from: item) else { continue }
                if !firstField { expected.append(UInt8(ascii: ",")) }
                firstField = false
                expected += key + Reference.compact(bytes[document.range(value)])
            }
            expected.append(UInt8(ascii: "}"))
        }
        expected.append(UInt8(ascii: "]"))
        // F2 (fixed; fuzz/corpus/gather/F2-*): a rebuilt list nesting past the indexer's limit
        // (a whole item mapped into `{…}` inside `[…]`) is an extraction error, never the
        // unmapped body.
        if Reference.maximumDepth(expected) > JSONParser.maximumDepth {
            guard case .failure = ItemExtraction.answer(from: document, at: pointer, map: map) else {
                throw Finding(message: "map past the depth limit did not fail")
            }
            return
        }
        guard case .success(let answer) = ItemExtraction.answer(from: document, at: pointer, map: map) else {
            throw Finding(message: "item extraction with map failed")
        }
        try require(answer.itemsDocument.bytes == expected,
                    "map built \(Check.escaped(answer.itemsDocument.bytes)), expected \(Check.escaped(expected))")
        try require(answer.items == answer.itemsDocument.elements(of: JSONDocument.root), "map's items are not its document's elements")
    }

    // MARK: Messages

    /// The input as a Swift-ish escaped string, printable in a report.
    static func escaped(_ bytes: [UInt8], limit: Int = 400) -> String {
        var text = "\""
        for byte in bytes.prefix(limit) {
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.append(Character(Unicode.Scalar(byte)))
            default: text += String(format: "\\x%02X", byte)
            }
        }
        if bytes.count > limit { text += "…(\(bytes.count) bytes)" }
        return text + "\""
    }
}
