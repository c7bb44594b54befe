import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every child process the tests start (openssl, curl, gzip, nginx, `gather` itself) goes through
/// here, because two Foundation habits hang a test run on Linux:
/// - `Process.waitUntilExit()` polls the calling thread's run loop and waits for Foundation to
///   deliver the child's end there; off the main thread that delivery can be missed, and the
///   thread waits forever for a child that already exited (swift-corelibs-foundation; seen as a
///   CI run that never finished).
/// - reading a child's stdout to its end before its stderr deadlocks once the child fills the
///   stderr pipe.
/// So the end is observed through `terminationHandler` (set before `run()`, so a fast child
/// cannot be missed), every wait has a limit after which the child is killed, and output goes
/// to files that are read after the exit.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// Both streams, stdout first: for messages that may be on either.
        public var output: String { stdoutText + stderrText }
    }

    /// Runs `executable` to its end (stdin empty) and returns what it wrote; a child still
    /// running after `limit` is killed and the call throws. The wait suspends: a test waiting
    /// for a child holds no thread of the cooperative pool, which other tests' clients need.
    public static func run(_ executable: String, _ arguments: [String], in folder: String? = nil,
                           within limit: Duration = .seconds(60)) async throws -> Result {
        let started = try Started(executable, arguments, in: folder)
        return try started.result(await started.exit.wait(within: limit), limit)
    }

    /// `run` for synchronous callers that cannot suspend (a `static let` initializer): it blocks
    /// its thread until the end.
    public static func runBlocking(_ executable: String, _ arguments: [String], in folder: String? = nil,
                                   within limit: Duration = .seconds(60)) throws -> Result {
        let started = try Started(executable, arguments, in: folder)
        return try started.result(started.exit.waitBlocking(within: limit), limit)
    }

    /// A child started with its output going to two files of a scratch folder.
    private struct Started {
        let description: String
        let scratch: String
        let exit: Exit

        init(_ executable: String, _ arguments: [String], in folder: String?) throws {
            description = ([executable] + arguments).joined(separator: " ")
            scratch = NSTemporaryDirectory() + "gather-child-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: scratch + "/stdout", contents: nil)
            _ = FileManager.default.createFile(atPath: scratch + "/stderr", contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/stdout"))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/stderr"))
            // The child has its own copies once it runs.
            defer {
                try? out.close()
                try? err.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = out
            process.standardError = err
            exit = Exit(process)
            do {
                try process.run()
            } catch {
                try? FileManager.default.removeItem(atPath: scratch)
                throw error
            }
        }

        /// What it wrote, once `status` says it ended; the scratch folder goes either way.
        func result(_ status: Int32?, _ limit: Duration) throws -> Result {
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            guard let status else {
                throw Failure(description: "\(description) did not end within \(limit); killed")
            }
            let stdout = (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/stdout"))).map(Array.init) ?? []
            let stderr = (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/stderr"))).map(Array.init) ?? []
            return Result(status: status, stdout: stdout, stderr: stderr)
        }
    }

    /// The end of a child that runs for a while (a server): create it before `process.run()`.
    public final class Exit: Sendable {
        private let ended = DispatchSemaphore(value: 0)
        private let status = Locked<Int32?>(nil)
        private let process: Process

        public init(_ process: Process) {
            self.process = process
            let ended = ended
            let status = status
            process.terminationHandler = { finished in
                let code = finished.terminationReason == .exit
                    ? finished.terminationStatus : 128 + finished.terminationStatus
                status.withLock { $0 = code }
                ended.signal()
            }
        }

        /// The exit status once it has ended, else nil.
        public var code: Int32? { status.value }
        public var isRunning: Bool { status.value == nil }
        public var pid: Int32 { process.processIdentifier }

        public func send(_ signal: Int32) {
            guard isRunning else { return }
            kill(process.processIdentifier, signal)
        }

        /// Waits without blocking a thread; kills the child at the limit and returns nil.
        public func wait(within limit: Duration) async -> Int32? {
            let deadline = ContinuousClock.now + limit
            while isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            if let code { return code }
            kill(process.processIdentifier, SIGKILL)
            _ = ended.wait(timeout: .now() + 5)
            return nil
        }

        /// For synchronous callers: blocks this thread until the end or the limit (then kills).
        public func waitBlocking(within limit: Duration) -> Int32? {
            if ended.wait(timeout: .now() + limit.timeInterval) == .success {
                ended.signal()
                return code
            }
            kill(process.processIdentifier, SIGKILL)
            if ended.wait(timeout: .now() + 5) == .success { ended.signal() }
            return nil
        }
    }
}

extension Duration {
    fileprivate var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
