import Foundation
import GatherCore

// Merge micro-benchmark (issue: "merging is linear in the number of items apart from the final
// sort; a 50-upstream × 100-item fuse must not dominate a request"). Run through bench/merge,
// which builds in release mode. Inputs are deterministic (seeded), so runs compare.

struct Row {
    var mode: String
    var shape: BenchShape
    var measurement: Stopwatch.Measurement
    var outputSize: Int

    var nanosecondsPerItem: Double { measurement.bestNanoseconds / Double(shape.totalItems) }
}

func fixed(_ value: Double, _ places: Int) -> String {
    String(format: "%.\(places)f", value)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func padLeft(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func timeMerge(_ mergeCase: MergeCase, _ shape: BenchShape) throws -> Row {
    let contributions = try mergeCase.contributions(shape)
    guard let stage = MergeStages.make(mergeCase.spec, upstreamCount: shape.upstreams, quorum: nil) else {
        throw BenchError(message: "no stage for \(mergeCase.name)")
    }
    let once = stage.merge(contributions)
    let outputSize = once.items?.count ?? once.votes?.agree ?? once.counts.reduce(0, +)
    // The merge's output is positions into the upstreams' bytes; writing it is where items are
    // copied and stamped, so every case is timed merging and writing.
    var writer = JSONWriter(reservingCapacity: 1 << 20)
    let measurement = Stopwatch.measure {
        let output = stage.merge(contributions)
        writer.reset()
        if let items = output.items {
            items.write(into: &writer)
        } else {
            (output.data ?? .null).write(into: &writer, contributions: contributions)
        }
        return writer.count
    }
    return Row(mode: mergeCase.name, shape: shape, measurement: measurement, outputSize: outputSize)
}

struct BenchError: Error {
    var message: String
}

func printMergeTable(_ rows: [Row]) {
    print("| mode | shape | items in | out | µs per merge (best) | µs (median) | items/s (best) | ns per item |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows {
        let itemsPerSecond = Double(row.shape.totalItems) / row.measurement.bestNanoseconds * 1e9
        print("| \(row.mode) | \(row.shape.label) | \(row.shape.totalItems) | \(row.outputSize) "
              + "| \(fixed(row.measurement.bestNanoseconds / 1000, 1)) | \(fixed(row.measurement.medianNanoseconds / 1000, 1)) "
              + "| \(fixed(itemsPerSecond / 1e6, 2)) M | \(fixed(row.nanosecondsPerItem, 0)) |")
    }
}

/// Per-item cost at 50×100 against the small and medium shapes. Constant per-merge overhead
/// makes the 3×20 figure high (ratios below 1 are normal); a sort adds log n (≈2× from 60 to
/// 5,000 items). Far above 2–3 means a step that grows faster than the items.
func printLinearity(_ rows: [Row]) {
    print("| mode | ns/item 3×20 | ns/item 10×100 | ns/item 50×100 | 50×100 ÷ 3×20 | 50×100 ÷ 10×100 | 50×5 ÷ 10×5 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    var modes: [String] = []
    for row in rows where !modes.contains(row.mode) { modes.append(row.mode) }
    for mode in modes {
        let byShape = Dictionary(rows.filter { $0.mode == mode }.map { ($0.shape, $0.nanosecondsPerItem) },
                                 uniquingKeysWith: { first, _ in first })
        guard let small = byShape[.small], let medium = byShape[.medium], let large = byShape[.large] else { continue }
        // Same small objects, 5× the upstreams: isolates growth with the upstream count.
        let manySmall = byShape[BenchShape(upstreams: 50, items: 5)].flatMap { many in
            byShape[BenchShape(upstreams: 10, items: 5)].map { fixed(many / $0, 2) }
        } ?? "–"
        print("| \(mode) | \(fixed(small, 0)) | \(fixed(medium, 0)) | \(fixed(large, 0)) "
              + "| \(fixed(large / small, 2)) | \(fixed(large / medium, 2)) | \(manySmall) |")
    }
}

func timeJSON() throws {
    let body = SearchBodies.make(BenchShape.small, seed: 0x5EA7C4)[0]
    let parse = Stopwatch.measure {
        guard let document = try? JSONDocument(indexing: body) else { return 0 }
        return document.count(JSONDocument.root)
    }
    // A 100-result body: a 50×100 merge first parses fifty of these.
    let bigBody = SearchBodies.make(BenchShape(upstreams: 1, items: 100), seed: 0x5EA7C4)[0]
    let parseBig = Stopwatch.measure {
        guard let document = try? JSONDocument(indexing: bigBody) else { return 0 }
        return document.count(JSONDocument.root)
    }

    // A 10-item answer as the bench route sends it: merged, stamped, 3 upstream reports.
    let route = MergeCase.benchRoute
    let contributions = try route.contributions(BenchShape.small)
    let output = ConcatMerge(route.spec).merge(contributions)
    let reports = contributions.enumerated().map { position, contribution in
        UpstreamReport(name: contribution.name, status: .ok, httpStatus: 200, ms: 3.2 + Double(position),
                       attempts: 1, wonBy: .primary, count: contribution.items.count)
    }
    let envelope = Envelope(output, mergesItems: true, upstreams: reports)
    let envelopeBytes = EnvelopeWriter.bytes(envelope).count
    let write = Stopwatch.measure { EnvelopeWriter.bytes(envelope).count }

    print("| step | input | µs (best) | µs (median) | MB/s (best) |")
    print("|---|---|---:|---:|---:|")
    print("| JSONDocument(indexing:) | one upstream body, 20 results, \(body.count) B | \(fixed(parse.bestNanoseconds / 1000, 1)) "
          + "| \(fixed(parse.medianNanoseconds / 1000, 1)) | \(fixed(Double(body.count) / parse.bestNanoseconds * 1e3, 0)) |")
    print("| JSONDocument(indexing:) | one upstream body, 100 results, \(bigBody.count) B | \(fixed(parseBig.bestNanoseconds / 1000, 1)) "
          + "| \(fixed(parseBig.medianNanoseconds / 1000, 1)) | \(fixed(Double(bigBody.count) / parseBig.bestNanoseconds * 1e3, 0)) |")
    print("| EnvelopeWriter.bytes | 10 items, 3 upstreams, \(envelopeBytes) B | \(fixed(write.bestNanoseconds / 1000, 1)) "
          + "| \(fixed(write.medianNanoseconds / 1000, 1)) | \(fixed(Double(envelopeBytes) / write.bestNanoseconds * 1e3, 0)) |")
}

do {
    print("GatherBench: merge micro-benchmark (best of ≥10 batches, ≥0.3 s per case after warm-up)")
    print("")
    // An argument keeps only the modes whose name contains it (for profiling one mode).
    let filter = CommandLine.arguments.dropFirst().first
    // A second argument keeps only one shape (`50x100`), for counting instructions per case.
    let shapeFilter = CommandLine.arguments.dropFirst(2).first?.replacingOccurrences(of: "x", with: "×")
    var rows: [Row] = []
    let cases = MergeCase.all + [MergeCase.benchRoute]
    // An exact name keeps that case alone; otherwise every case whose name contains the text.
    let exact = cases.contains { $0.name == filter }
    for mergeCase in cases
    where filter.map({ exact ? mergeCase.name == $0 : mergeCase.name.contains($0) }) ?? true {
        for shape in mergeCase.shapes where shapeFilter.map({ shape.label == $0 }) ?? true {
            rows.append(try timeMerge(mergeCase, shape))
        }
    }
    printMergeTable(rows)
    print("")
    print("Linearity (per-item cost; a sort adds ≈2× from 60 to 5,000 items):")
    print("")
    printLinearity(rows)
    print("")
    if filter == nil || filter == "json" { try timeJSON() }
    print("")
    print("(checksum \(Stopwatch.sink))")
} catch {
    FileHandle.standardError.write("GatherBench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}
