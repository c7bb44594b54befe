/// Something in a route file that loads but deserves an operator's attention (`gather check`
/// prints these to stderr and exits 0; `serve` logs them at start and on every reload).
public struct RouteWarning: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): warning: \(message)" }

    /// One warning per place in the files (a sharded block's shards share theirs), in file order.
    public static func check(_ routes: [Route]) -> [RouteWarning] {
        var seen: Set<String> = []
        var warnings: [RouteWarning] = []
        for route in routes {
            for upstream in route.upstreams {
                guard let location = upstream.tls?.verifyDisabledAt, seen.insert(location.description).inserted else {
                    continue
                }
                warnings.append(RouteWarning(location: location, message:
                    "tls.verify is false for route '\(route.name)' upstream '\(upstream.name)': its certificate "
                    + "and name are not checked, so anyone on the path can impersonate it"))
            }
        }
        return warnings.sorted { a, b in
            (a.location.file, a.location.line, a.location.column) < (b.location.file, b.location.line, b.location.column)
        }
    }
}
