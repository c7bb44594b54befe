import Foundation
import GatherCore

/// The file-system side of route loading: expands `--routes` paths into route files and reads
/// them, for `RouteLoader` (GatherCore), which parses what it is given and touches no file.
public enum RouteFileReader {
    /// Each path is a file, or a folder whose `*.yaml`, `*.yml` and `*.json` files (not in
    /// subfolders, not hidden) are read in name order. A file named twice is read once.
    public static func read(_ paths: [String]) -> [RouteLoader.Source] {
        var sources: [RouteLoader.Source] = []
        var seen: Set<String> = []
        for entry in routeFiles(paths) {
            guard case .file(let file) = entry else {
                if case .problem(let path, let reason) = entry { sources.append(.unreadable(path: path, reason: reason)) }
                continue
            }
            let identity = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
            guard seen.insert(identity).inserted else { continue }
            guard let data = FileManager.default.contents(atPath: file) else {
                sources.append(.unreadable(path: file, reason: "cannot read route file"))
                continue
            }
            sources.append(.contents(file: file, Array(data)))
        }
        return sources
    }

    /// Reads and loads in one step, as the commands and reloads do.
    public static func load(_ paths: [String], environment: [String: String]) -> Result<[Route], RouteLoadFailure> {
        RouteLoader.load(read(paths), environment: environment, paths: lookUp)
    }

    /// The files a route names (TLS PEM files, a CA folder), for `RouteLoader`.
    public static let lookUp: NamedPath.Lookup = { path in
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { return .folder(try? FileManager.default.contentsOfDirectory(atPath: path)) }
        guard FileManager.default.isReadableFile(atPath: path) else { return .file(nil) }
        return .file(FileManager.default.contents(atPath: path).map(Array.init))
    }

    private enum Entry {
        case file(String)
        case problem(path: String, reason: String)
    }

    /// The files to read, in order: files as given, folders expanded.
    private static func routeFiles(_ paths: [String]) -> [Entry] {
        var entries: [Entry] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                entries.append(.problem(path: path, reason: "no such route file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                entries.append(.file(path))
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                entries.append(.problem(path: path, reason: "cannot read route folder"))
                continue
            }
            var found = false
            for name in names.filter(RouteLoader.isRouteFileName).sorted() {
                let file = path.hasSuffix("/") ? path + name : path + "/" + name
                var entryIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: file, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue {
                    entries.append(.file(file))
                    found = true
                }
            }
            if !found {
                entries.append(.problem(path: path, reason: "no route files (*.yaml, *.yml, *.json) in folder"))
            }
        }
        return entries
    }
}
