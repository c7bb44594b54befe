import Foundation
import GatherTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gather serve` as a real child process on ephemeral ports: the ports come from the
/// `gather listening on …` line it prints; stderr (the log) is kept for the test to read.
final class ServeProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let adminPort: Int
    private let exit: ChildProcess.Exit
    private let output: CapturedOutput

    private init(exit: ChildProcess.Exit, output: CapturedOutput, port: Int, adminPort: Int) {
        self.exit = exit
        self.output = output
        self.port = port
        self.adminPort = adminPort
    }

    static func start(_ arguments: [String]) async throws -> ServeProcess {
        // Output goes to files, read when asked: a pipe's readabilityHandler is a dispatch
        // source, and one cancelled as its pipe closes has crashed libdispatch's epoll loop here.
        let output = try CapturedOutput()
        let exit = try ChildProcess.start(
            CheckCommandTests.gatherBinary.path,
            ["serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"] + arguments,
            stdout: output.stdoutPath, stderr: output.stderrPath)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && exit.isRunning {
            if let ports = Self.ports(in: output.stdout) {
                return ServeProcess(exit: exit, output: output, port: ports.0, adminPort: ports.1)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = await exit.wait(within: .zero)
        defer { output.remove() }
        throw Failure(description: "gather serve did not say where it listens; stderr:\n\(output.stderr)")
    }

    /// `gather listening on http://127.0.0.1:P (admin http://127.0.0.1:A)`
    private static func ports(in stdout: String) -> (Int, Int)? {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("gather listening on ") }) else {
            return nil
        }
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // 127, 0, 0, 1, P, 127, 0, 0, 1, A
        guard numbers.count == 10 else { return nil }
        return (numbers[4], numbers[9])
    }

    var stderr: String { output.stderr }
    var pid: Int32 { exit.pid }
    var isRunning: Bool { exit.isRunning }

    func send(_ signal: Int32) {
        exit.send(signal)
    }

    /// The exit status, or nil if it is still running at the deadline (then it is killed).
    func waitForExit(within limit: Duration) async -> Int32? {
        await exit.wait(within: limit)
    }

    /// Waits until stderr contains `text` at least `count` times.
    func waitForStderr(_ text: String, count: Int = 1, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if stderr.components(separatedBy: text).count > count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return stderr.components(separatedBy: text).count > count
    }

    /// Ends the process if a test left it running.
    func stop() async {
        send(SIGKILL)
        _ = await waitForExit(within: .seconds(5))
        output.remove()
    }
}

/// The child's stdout and stderr, in two files of a scratch folder.
private struct CapturedOutput: Sendable {
    let folder = NSTemporaryDirectory() + "gather-serve-\(UUID().uuidString)"
    var stdoutPath: String { folder + "/stdout" }
    var stderrPath: String { folder + "/stderr" }

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
    }

    var stdout: String { Self.text(stdoutPath) }
    var stderr: String { Self.text(stderrPath) }

    private static func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
