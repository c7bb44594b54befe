/// Checks that span routes, whichever files they came from: names are unique, and no two
/// routes answer the same method on the same path shape (which one would win is arbitrary).
enum RouteSetChecker {
    static func check(_ routes: [Route]) -> [RouteLoadError] {
        var errors: [RouteLoadError] = []
        var byName: [String: Route] = [:]
        var byShape: [String: Route] = [:]
        for route in routes {
            if let first = byName[route.name] {
                errors.append(RouteLoadError(location: route.location,
                                             message: "duplicate route name '\(route.name)' (first defined at \(first.location))"))
            } else {
                byName[route.name] = route
            }
            let key = route.method + " " + route.path.shape
            if let first = byShape[key] {
                errors.append(RouteLoadError(
                    location: route.location,
                    message: "route '\(route.name)' matches \(route.method) \(route.path.source) like route '\(first.name)' (\(first.location))"))
            } else {
                byShape[key] = route
            }
        }
        return errors
    }
}
