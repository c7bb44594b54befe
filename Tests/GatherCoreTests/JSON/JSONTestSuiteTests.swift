import Foundation
import Testing
@testable import GatherCore

/// JSONTestSuite's parsing corpus (Tests/Corpora/JSONTestSuite) through the validating index:
/// what an upstream body must be for gather to merge it.
@Suite struct JSONTestSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpora/JSONTestSuite/test_parsing")

    static func files(_ prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func accepts(_ name: String) throws -> Bool {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
        return (try? JSONDocument(indexing: bytes)) != nil
    }

    /// gather's answer for the implementation-defined cases: numbers of any size or precision
    /// are kept (their text is passed through), a BOM is skipped, and lone surrogates,
    /// invalid UTF-8 and nesting past 256 levels are refused.
    static let acceptedImplementationDefined: Set<String> = [
        "i_number_double_huge_neg_exp.json", "i_number_huge_exp.json", "i_number_neg_int_huge_exp.json",
        "i_number_pos_double_huge_exp.json", "i_number_real_neg_overflow.json", "i_number_real_pos_overflow.json",
        "i_number_real_underflow.json", "i_number_too_big_neg_int.json", "i_number_too_big_pos_int.json",
        "i_number_very_big_negative_int.json", "i_structure_UTF-8_BOM_empty_object.json",
    ]

    @Test func theCorpusIsThere() {
        #expect(Self.files("y_").count == 95)
        #expect(Self.files("n_").count == 188)
        #expect(Self.files("i_").count == 35)
    }

    @Test(arguments: files("y_"))
    func acceptsEveryValidDocument(name: String) throws {
        #expect(try Self.accepts(name), "\(name) must index")
    }

    @Test(arguments: files("n_"))
    func rejectsEveryInvalidDocument(name: String) throws {
        #expect(try !Self.accepts(name), "\(name) must be rejected")
    }

    @Test(arguments: files("i_"))
    func implementationDefinedCasesGetGathersChoice(name: String) throws {
        #expect(try Self.accepts(name) == Self.acceptedImplementationDefined.contains(name), "\(name)")
    }
}
