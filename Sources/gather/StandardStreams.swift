import Foundation

/// Lines for people and scripts: each is one write(2), so a pipe (`gather demo | tee`, a test
/// reading `gather listening on …`) sees every line the moment it is printed, without setting the
/// buffering of C's `stdout` (a global that Swift 6 cannot check).
enum StandardOutput {
    static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
