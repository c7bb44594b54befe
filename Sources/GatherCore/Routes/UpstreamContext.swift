/// What an upstream block needs to know about its route to be validated.
struct UpstreamContext {
    var routeName: String
    /// nil when the route's deadline was itself invalid (its error is already reported).
    var deadline: Duration?
    /// nil when match.path was invalid, so that no follow-on errors are reported.
    var pathParameters: Set<String>?
    var pathSource: String
    var mergeMode: MergeSpec.Mode
    var mergeItems: JSONPointer?
    /// `complete: first` answers the winner's body as it is, so the merge settings are unread.
    var complete: CompletionRule = .all
    /// The route's `tls`, `http` and `max_connections`, which its upstreams inherit.
    var connection = RouteFileParser.ConnectionDefaults()
    /// The route's `cache` and `coalesce`.
    var cacheDefaults = RouteFileParser.CacheDefaults()
}
