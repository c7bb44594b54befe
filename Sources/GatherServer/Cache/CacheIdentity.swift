import GatherCore

/// What an upstream's stored answers depend on: the requests sent (urls, headers), what is
/// read from the answers (items, map, size limit), how they are kept (the `cache` block) and the
/// payload the route needs (passthrough bytes, items, or a value). Two specs with equal
/// identities share one `UpstreamCache` across a reload; any change starts it empty.
struct CacheIdentity: Equatable {
    let name: String
    let urls: [URLTemplate]
    let headerNames: [String]
    let headerValues: [HeaderTemplate]
    let items: JSONPointer?
    let map: [FieldMapping]
    let maxBody: Int
    let cache: CacheSpec?
    let coalesce: Bool
    let shape: String

    init(_ spec: UpstreamSpec, shape: String) {
        name = spec.name
        urls = [spec.url] + spec.replicas
        headerNames = spec.headers.map(\.name)
        headerValues = spec.headers.map(\.value)
        items = spec.items
        map = spec.map
        maxBody = spec.maxBody
        cache = spec.cache
        coalesce = spec.coalesce
        self.shape = shape
    }

    /// The route's part of the identity: which payload its attempts produce.
    static func shape(of route: Route) -> String {
        "\(route.complete == .first)/\(route.merge.mode.mergesItems)"
    }
}
