import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `gather serve` as a real child process on ephemeral ports: the ports come from the
/// `gather listening on …` line it prints; stderr (the log) is kept for the test to read.
final class ServeProcess: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let adminPort: Int
    private let process: Process
    private let output: CapturedOutput

    private init(process: Process, output: CapturedOutput, port: Int, adminPort: Int) {
        self.process = process
        self.output = output
        self.port = port
        self.adminPort = adminPort
    }

    static func start(_ arguments: [String]) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = CheckCommandTests.gatherBinary
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"] + arguments
        let output = CapturedOutput()
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { output.appendStdout($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { output.appendStderr($0.availableData) }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && process.isRunning {
            if let ports = Self.ports(in: output.stdout) {
                return ServeProcess(process: process, output: output, port: ports.0, adminPort: ports.1)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { process.terminate() }
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
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status, or nil if it is still running at the deadline (then it is killed).
    func waitForExit(within limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard !process.isRunning else {
            send(SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
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
        if process.isRunning { send(SIGKILL) }
        _ = await waitForExit(within: .seconds(5))
    }
}

/// The child's stdout and stderr as they arrive, read from pipe handler threads.
private final class CapturedOutput: @unchecked Sendable {
    /// Guards the fields below (a plain lock: they are read and written together).
    private let lock = Mutex<Void>(())
    private var out = Data()
    private var err = Data()

    func appendStdout(_ data: Data) { lock.withLock { _ in out.append(data) } }
    func appendStderr(_ data: Data) { lock.withLock { _ in err.append(data) } }
    var stdout: String { lock.withLock { _ in String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { _ in String(decoding: err, as: UTF8.self) } }
}
