import Foundation
import Yams

/// Loads route files (YAML, or JSON which YAML reads as flow style) into validated routes.
///
/// Every problem is reported, located as `FILE:LINE:COL`, sorted by file, line and column.
/// Problems with a path itself (missing file, unreadable or empty folder) are located at
/// line 1, column 1 of that path, so that editors and `grep` treat them like the others.
public enum RouteLoader {
    public static let routeFileExtensions: Set<String> = ["yaml", "yml", "json"]

    /// Each path is a file, or a folder whose `*.yaml`, `*.yml` and `*.json` files (not in
    /// subfolders, not hidden) are read in name order. A file named twice is read once.
    public static func load(paths: [String], environment: [String: String]) -> Result<[Route], RouteLoadFailure> {
        var routes: [Route] = []
        var errors: [RouteLoadError] = []
        var seen: Set<String> = []
        for file in routeFiles(paths, errors: &errors) {
            let identity = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
            guard seen.insert(identity).inserted else { continue }
            guard let data = FileManager.default.contents(atPath: file) else {
                errors.append(pathError(file, "cannot read route file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                errors.append(pathError(file, "route file is not UTF-8 text"))
                continue
            }
            let parsed = parseFile(text: text, file: file, environment: environment)
            routes += parsed.routes
            errors += parsed.errors
        }
        errors += RouteSetChecker.check(routes)
        return errors.isEmpty ? .success(routes) : .failure(RouteLoadFailure(errors: sorted(errors)))
    }

    /// One file's text; `file` names it in errors and decides JSON handling (`.json`).
    /// Routes with errors are left out; `errors` is sorted.
    public static func parse(text: String, file: String, environment: [String: String]) -> (routes: [Route], errors: [RouteLoadError]) {
        let parsed = parseFile(text: text, file: file, environment: environment)
        return (parsed.routes, sorted(parsed.errors + RouteSetChecker.check(parsed.routes)))
    }

    static func parseFile(text: String, file: String, environment: [String: String]) -> (routes: [Route], errors: [RouteLoadError]) {
        let isJSON = file.lowercased().hasSuffix(".json")
        let yaml = isJSON ? JSONTabReplacer.replacingTabsOutsideStrings(text) : text
        let shielded = FlowTemplateShield.protect(yaml)
        var root: Node?
        do {
            root = try Yams.compose(yaml: shielded ?? yaml)
            if shielded != nil { root = root.map(FlowTemplateShield.restore) }
        } catch {
            return ([], [YAMLErrorLocator.routeError(error, file: file, text: yaml)])
        }
        guard let root else {
            return ([], [pathError(file, "route file is empty: expected 'routes:' with a list of routes")])
        }
        var parser = RouteFileParser(file: file, environment: environment)
        let routes = parser.parseDocument(root)
        return (routes, parser.errors)
    }

    /// The files to read, in order: files as given, folders expanded.
    private static func routeFiles(_ paths: [String], errors: inout [RouteLoadError]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(pathError(path, "no such route file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                errors.append(pathError(path, "cannot read route folder"))
                continue
            }
            let routeNames = names.filter { name in
                !name.hasPrefix(".") && routeFileExtensions.contains((name as NSString).pathExtension.lowercased())
            }.sorted()
            var found = false
            for name in routeNames {
                let file = path.hasSuffix("/") ? path + name : path + "/" + name
                var entryIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: file, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue {
                    files.append(file)
                    found = true
                }
            }
            if !found {
                errors.append(pathError(path, "no route files (*.yaml, *.yml, *.json) in folder"))
            }
        }
        return files
    }

    private static func pathError(_ path: String, _ message: String) -> RouteLoadError {
        RouteLoadError(location: SourceLocation(file: path, line: 1, column: 1), message: message)
    }

    /// By file name, then line, then column; errors at the same place keep their order.
    static func sorted(_ errors: [RouteLoadError]) -> [RouteLoadError] {
        errors.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.file != y.file { return x.file < y.file }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
