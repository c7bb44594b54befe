import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Every child process the tests start (openssl, curl, gzip, nginx, `gather` itself) goes through
/// here, spawned with `posix_spawn` and reaped with `waitpid`, never with Foundation's `Process`:
/// - `Process.run()` in Swift 6.3.1 crashes now and then on Linux: it copies the whole 256-byte
///   `d_name` of each `/proc/self/fd` entry, reading past glibc's buffer into an unmapped page
///   (swift-corelibs-foundation#5472). It took down a full test run here (SIGSEGV in
///   `Process.run`), about one run in twenty.
/// - `Process.waitUntilExit()` can miss a child's end off the main thread and wait forever.
/// So every wait has a limit after which the child is killed, and output goes to files that
/// are read after the exit (reading one pipe to its end before the other deadlocks once the
/// child fills the second).
///
/// The child gets the default disposition of every signal and an empty signal mask: it would
/// otherwise inherit the blocked signals of the test thread that spawned it (dispatch's worker
/// threads block most), and a `gather serve` or single-process nginx would never see SIGTERM.
/// Descriptors past stderr are closed in the child, so no test's socket stays open in it.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
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

    /// Runs `executable` (a full path) to its end, stdin empty, and returns what it wrote; a
    /// child still running after `limit` is killed and the call throws. The wait suspends: a
    /// test waiting for a child holds no thread of the cooperative pool.
    public static func run(_ executable: String, _ arguments: [String], in folder: String? = nil,
                           within limit: Duration = .seconds(60)) async throws -> Result {
        let started = try Captured(executable, arguments, in: folder)
        return try started.result(await started.exit.wait(within: limit), limit)
    }

    /// `run` for synchronous callers that cannot suspend (a `static let` initializer): it blocks
    /// its thread until the end.
    public static func runBlocking(_ executable: String, _ arguments: [String], in folder: String? = nil,
                                   within limit: Duration = .seconds(60)) throws -> Result {
        let started = try Captured(executable, arguments, in: folder)
        return try started.result(started.exit.waitBlocking(within: limit), limit)
    }

    /// Starts a child that runs for a while (a server). Its stdin is `stdin` (a descriptor the
    /// caller keeps and closes) or /dev/null; stdout and stderr go to the files named, else to
    /// /dev/null.
    public static func start(_ executable: String, _ arguments: [String], in folder: String? = nil,
                             stdin: Int32? = nil, stdout: String? = nil, stderr: String? = nil) throws -> Exit {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let closeFrom = GNUSpawnActions.closeFrom {
            _ = closeFrom(&actions, 3)
        }
        if let folder {
            guard let changeDirectory = GNUSpawnActions.changeDirectory else {
                throw Failure(description: "posix_spawn_file_actions_addchdir_np is missing: cannot run in \(folder)")
            }
            _ = changeDirectory(&actions, folder)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var every = sigset_t()
        sigfillset(&every)
        posix_spawnattr_setsigdefault(&attributes, &every)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let failed = argv.withUnsafeBufferPointer { argv in
            posix_spawn(&pid, executable, &actions, &attributes, argv.baseAddress!, environ)
        }
        guard failed == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(failed)))")
        }
        return Exit(pid: pid)
    }

    /// A child started with its output going to two files of a scratch folder.
    private struct Captured {
        let description: String
        let scratch: String
        let exit: Exit

        init(_ executable: String, _ arguments: [String], in folder: String?) throws {
            description = ([executable] + arguments).joined(separator: " ")
            scratch = NSTemporaryDirectory() + "gather-child-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            do {
                exit = try ChildProcess.start(executable, arguments, in: folder,
                                              stdout: scratch + "/stdout", stderr: scratch + "/stderr")
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

    /// A started child: its end is seen by `waitpid(WNOHANG)`, so nothing waits on a signal or
    /// a run loop, and only this object reaps its pid (no pid is reused under a `send`).
    public final class Exit: Sendable {
        public let pid: Int32
        private let status = Locked<Int32?>(nil)

        init(pid: Int32) {
            self.pid = pid
        }

        /// The exit status (128 + the signal for a child a signal ended) once it has ended, else nil.
        public var code: Int32? {
            status.withLock { status in
                if status == nil {
                    var raw: Int32 = 0
                    let reaped = waitpid(pid, &raw, WNOHANG)
                    if reaped == pid {
                        let signal = raw & 0x7f
                        status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                    } else if reaped < 0 && errno == ECHILD {
                        status = -1  // not ours to reap any more: nothing can wait for it
                    }
                }
                return status
            }
        }

        public var isRunning: Bool { code == nil }

        /// Sends `signal` unless the child has been reaped (its pid may belong to another process).
        public func send(_ signal: Int32) {
            status.withLock { status in
                if status == nil { kill(pid, signal) }
            }
        }

        /// Waits without blocking a thread; kills the child at the limit and returns nil.
        public func wait(within limit: Duration) async -> Int32? {
            let deadline = ContinuousClock.now + limit
            while isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            if let code { return code }
            killAndReap()
            return nil
        }

        /// For synchronous callers: blocks this thread until the end or the limit (then kills).
        public func waitBlocking(within limit: Duration) -> Int32? {
            blockWhileRunning(for: limit)
            if let code { return code }
            killAndReap()
            return nil
        }

        private func killAndReap() {
            send(SIGKILL)
            blockWhileRunning(for: .seconds(5))
        }

        private func blockWhileRunning(for limit: Duration) {
            let deadline = ContinuousClock.now + limit
            while isRunning && ContinuousClock.now < deadline {
                usleep(5_000)
            }
        }
    }

    /// glibc's GNU additions to posix_spawn's file actions (2.29 and 2.34), which Swift's Glibc
    /// module does not declare: looked up by name.
    private enum GNUSpawnActions {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                                    UnsafePointer<CChar>) -> Int32

        static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
            .map { unsafeBitCast($0, to: CloseFrom.self) }
        static let changeDirectory: ChangeDirectory? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
            .map { unsafeBitCast($0, to: ChangeDirectory.self) }
    }
}
