import Foundation
import GatherTestSupport
import Testing

@Suite("gather check, the real executable")
struct CheckCommandTests {
    /// The `gather` binary SwiftPM built next to the test bundle.
    static var gatherBinary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("gather")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "/nonexistent/gather")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await ChildProcess.run(gatherBinary.path, arguments, in: packageRoot.path)
        return (result.status, result.stdoutText, result.stderrText)
    }

    @Test("the shipped routes pass, one summary line per route")
    func shippedRoutesPass() async throws {
        let result = try await Self.run(["check", "--routes", "routes"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("search: GET /search"))
        #expect(result.stdout.split(separator: "\n").count >= 5)
    }

    @Test("a broken copy fails with every error located as FILE:LINE:COL")
    func brokenCopyFails() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gather-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("broken.yaml")
        try """
        routes:
          - name: search
            match: { method: GET, path: /search }
            deadline: 250ms
            complete: quorum
            quorum: 5
            upstreams:
              - name: alpha
                url: http://127.0.0.1:9101/search?q={query.q}
                timeout: 2s
                colour: blue
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try await Self.run(["check", "--routes", folder.path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count >= 3, "\(result.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix(file.path + ":") })
        #expect(lines.contains { $0.hasPrefix("\(file.path):6:") && $0.contains("quorum") })
        #expect(lines.contains { $0.hasPrefix("\(file.path):10:") && $0.contains("timeout") })
        #expect(lines.contains { $0.hasPrefix("\(file.path):11:") && $0.contains("colour") })
    }

    @Test("a usage error exits 2")
    func usageError() async throws {
        let result = try await Self.run(["check", "--no-such-flag"])
        #expect(result.status == 2)
    }
}
