import Yams

/// Turns route files (YAML, or JSON which YAML reads as flow style) into validated routes. It
/// reads nothing itself: the shell (`RouteFileReader` in GatherServer) lists folders and reads
/// files, and hands over their bytes or why they could not be read; the files a route names
/// (TLS PEM files) are asked for through `paths` (`RouteFileReader.lookUp`).
///
/// Every problem is reported, located as `FILE:LINE:COL`, sorted by file, line and column.
/// Problems with a path itself (missing file, unreadable or empty folder) are located at
/// line 1, column 1 of that path, so that editors and `grep` treat them like the others.
public enum RouteLoader {
    public static let routeFileExtensions: Set<String> = ["yaml", "yml", "json"]

    /// One route file as the shell found it.
    public enum Source: Sendable, Equatable {
        /// The file's bytes; `file` names it in errors and decides JSON handling (`.json`).
        case contents(file: String, [UInt8])
        /// A path that gave no route file (missing, unreadable, a folder without route files).
        case unreadable(path: String, reason: String)
    }

    /// Whether a folder entry is a route file: not hidden, named `*.yaml`, `*.yml` or `*.json`.
    public static func isRouteFileName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return routeFileExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Every source in order, then the checks across files (duplicate names, overlapping matches).
    public static func load(_ sources: [Source], environment: [String: String],
                            paths: @escaping NamedPath.Lookup = NamedPath.none) -> Result<[Route], RouteLoadFailure> {
        var routes: [Route] = []
        var errors: [RouteLoadError] = []
        for source in sources {
            switch source {
            case .unreadable(let path, let reason):
                errors.append(pathError(path, reason))
            case .contents(let file, let bytes):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    errors.append(pathError(file, "route file is not UTF-8 text"))
                    continue
                }
                let parsed = parseFile(text: text, file: file, environment: environment, paths: paths)
                routes += parsed.routes
                errors += parsed.errors
            }
        }
        errors += RouteSetChecker.check(routes)
        return errors.isEmpty ? .success(routes) : .failure(RouteLoadFailure(errors: sorted(errors)))
    }

    /// One file's text; `file` names it in errors and decides JSON handling (`.json`).
    /// Routes with errors are left out; `errors` is sorted.
    public static func parse(text: String, file: String, environment: [String: String],
                             paths: @escaping NamedPath.Lookup = NamedPath.none) -> (routes: [Route], errors: [RouteLoadError]) {
        let parsed = parseFile(text: text, file: file, environment: environment, paths: paths)
        return (parsed.routes, sorted(parsed.errors + RouteSetChecker.check(parsed.routes)))
    }

    static func parseFile(text: String, file: String, environment: [String: String],
                          paths: @escaping NamedPath.Lookup) -> (routes: [Route], errors: [RouteLoadError]) {
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
        var parser = RouteFileParser(file: file, environment: environment, paths: paths)
        let routes = parser.parseDocument(root)
        return (routes, parser.errors)
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
