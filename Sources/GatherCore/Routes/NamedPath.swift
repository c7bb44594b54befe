/// A path that a route file names (`tls.ca`, `tls.cert`, `tls.key`), as the shell found it: route
/// loading reads no file itself. `RouteFileReader.lookUp` (GatherServer) answers from the file
/// system; tests answer from memory.
public enum NamedPath: Sendable, Equatable {
    case missing
    /// A file's bytes; nil when it exists but cannot be read.
    case file([UInt8]?)
    /// A folder's entry names; nil when it cannot be listed.
    case folder([String]?)

    /// How route loading asks for a path (absolute, or joined to the route file's folder).
    public typealias Lookup = @Sendable (String) -> NamedPath

    /// For routes that name no file: every path is missing.
    public static let none: Lookup = { _ in .missing }
}
