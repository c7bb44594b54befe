import GatherCore

/// A fixture file that cannot be used, located as `FILE:LINE:COL: message` when the place is known.
public struct FixtureLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation?
    /// Used when only the file is known (unreadable file, empty document).
    public var file: String?
    public var message: String

    public init(location: SourceLocation?, file: String? = nil, message: String) {
        self.location = location
        self.file = file ?? location?.file
        self.message = message
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        if let file { return "\(file): \(message)" }
        return message
    }
}
