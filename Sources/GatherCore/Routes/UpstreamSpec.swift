/// One upstream of a route, after shard expansion (a `shards: N` block becomes N of these).
public struct UpstreamSpec: Sendable {
    public var name: String
    public var url: URLTemplate
    /// Other addresses of the same service: the primary is picked among url + replicas,
    /// hedges and retries prefer another one.
    public var replicas: [URLTemplate]
    /// Per attempt; the route's deadline when not written.
    public var timeout: Duration
    /// The effective items pointer: the upstream's own, else the route's `merge.items`.
    public var items: JSONPointer?
    public var map: [FieldMapping]
    public var weight: Double
    /// Extra request headers in the order written; names as written.
    public var headers: [(name: String, value: HeaderTemplate)]
    public var hedge: HedgeSpec?
    public var retry: RetrySpec?
    public var maxInFlight: Int?
    public var circuit: CircuitSpec?
    /// `idempotent: true`: hedges and retries also for methods that are not idempotent by
    /// definition (POST, PATCH), because this upstream treats repeats as harmless.
    public var idempotent: Bool
    /// Largest accepted answer body in bytes.
    public var maxBody: Int
    /// `object` mode: put this upstream's value under this key.
    public var group: String?
    /// `tls:` (the route's under the upstream's); nil: the system's CAs, verified, no client certificate.
    public var tls: UpstreamTLS?
    /// `http:`; nil: HTTP/1.1 for `http://`, HTTP/2 by ALPN for `https://`.
    public var http: UpstreamHTTPVersion?
    /// `max_connections:` (the upstream's, else the route's); nil when neither wrote one.
    public var maxConnections: Int?
    /// The index within a `shards:` block, nil for an ordinary upstream.
    public var shardIndex: Int?
    public var location: SourceLocation
    /// `cache:` (the upstream's, else the route's); nil: answers are not stored.
    public var cache: CacheSpec? = nil
    /// `coalesce:` (default: on with `cache`): identical concurrent requests share one transfer.
    public var coalesce = false
    /// Stages: `needs:`, `{from.NAME/…}`, `required:`.
    public var stage = UpstreamStage()

    public static let defaultMaxBody = 8 << 20
    public static let defaultMaxConnections = 64

    public init(name: String, url: URLTemplate, replicas: [URLTemplate] = [], timeout: Duration,
                items: JSONPointer? = nil, map: [FieldMapping] = [], weight: Double = 1,
                headers: [(name: String, value: HeaderTemplate)] = [], hedge: HedgeSpec? = nil,
                retry: RetrySpec? = nil, maxInFlight: Int? = nil, circuit: CircuitSpec? = nil,
                idempotent: Bool = false, maxBody: Int = UpstreamSpec.defaultMaxBody, group: String? = nil,
                shardIndex: Int? = nil, tls: UpstreamTLS? = nil, http: UpstreamHTTPVersion? = nil,
                maxConnections: Int? = nil,
                location: SourceLocation = SourceLocation(file: "", line: 0, column: 0)) {
        self.name = name
        self.url = url
        self.replicas = replicas
        self.timeout = timeout
        self.items = items
        self.map = map
        self.weight = weight
        self.headers = headers
        self.hedge = hedge
        self.retry = retry
        self.maxInFlight = maxInFlight
        self.circuit = circuit
        self.idempotent = idempotent
        self.maxBody = maxBody
        self.group = group
        self.shardIndex = shardIndex
        self.tls = tls
        self.http = http
        self.maxConnections = maxConnections
        self.location = location
    }
}
