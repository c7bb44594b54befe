import GatherCore
import NIOCore
import NIOHTTP1

/// Answers the admin endpoints from the gateway's live state: the route generation current at
/// the time of the request, the upstreams' health, the metrics registry.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let context: GatewayContext
    private let health: HealthState
    private var head: HTTPRequestHead?

    init(context: GatewayContext, health: HealthState) {
        self.context = context
        self.health = health
    }

    func channelRead(context channelContext: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let response = answer(head)
            var headers = HTTPHeaders([("Content-Type", response.contentType), ("Content-Length", String(response.body.count)),
                                       ("Cache-Control", "no-store")])
            if response.status == .methodNotAllowed { headers.add(name: "Allow", value: response.allow) }
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            channelContext.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: response.status,
                                                                        headers: headers))),
                                 promise: nil)
            channelContext.write(wrapOutboundOut(.body(.byteBuffer(channelContext.channel.allocator.buffer(bytes: response.body)))),
                                 promise: nil)
            let done = channelContext.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !head.isKeepAlive { done.assumeIsolated().whenComplete { _ in channelContext.close(promise: nil) } }
        }
    }

    private func answer(_ head: HTTPRequestHead) -> AdminResponse {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first
            .map(String.init) ?? head.uri
        if path == "/cache/purge" {
            guard head.method == .POST else {
                return AdminResponse(status: .methodNotAllowed, contentType: AdminResponse.json,
                                     body: ErrorBody.json("/cache/purge answers POST only"), allow: "POST")
            }
            let query = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first
            return CachePurge.purge(context.routes.current, query: query)
        }
        guard head.method == .GET else {
            return AdminResponse(status: .methodNotAllowed, contentType: AdminResponse.json,
                                 body: ErrorBody.json("admin endpoints answer GET only"))
        }
        switch path {
        case "/healthz":
            return AdminResponse(status: .ok, contentType: AdminResponse.json, body: Array(#"{"status":"ok"}"#.utf8))
        case "/readyz":
            return health.isDraining
                ? AdminResponse(status: .serviceUnavailable, contentType: AdminResponse.json,
                                body: Array(#"{"status":"draining"}"#.utf8))
                : AdminResponse(status: .ok, contentType: AdminResponse.json, body: Array(#"{"status":"ready"}"#.utf8))
        case "/routes":
            return AdminResponse(status: .ok, contentType: AdminResponse.json, body: routesJSON())
        case "/upstreams":
            return AdminResponse(status: .ok, contentType: AdminResponse.json, body: upstreamsJSON())
        case "/metrics":
            let body = context.metrics.exposition(inFlight: context.admission.current, routes: context.routes.current)
            return AdminResponse(status: .ok, contentType: AdminResponse.prometheusText, body: body)
        case "/":
            let page = StatusPage(routes: RouteHealth.collect(from: context.routes.current),
                                  inFlight: context.admission.current, maxInFlight: context.admission.limit,
                                  draining: health.isDraining)
            return AdminResponse(status: .ok, contentType: AdminResponse.html, body: Array(page.html().utf8))
        default:
            return AdminResponse(status: .notFound, contentType: AdminResponse.json,
                                 body: ErrorBody.json("no admin endpoint \(path)"))
        }
    }

    private func routesJSON() -> [UInt8] {
        let routes = context.routes.current.routes.map { route -> JSONValue in
            .object(JSONObject([
                ("name", .string(route.name)),
                ("method", .string(route.method)),
                ("path", .string(route.path.source)),
                ("deadline_ms", .double(route.deadline.milliseconds)),
                ("complete", .string(route.complete.rawValue)),
                ("merge", .string(route.merge.mode.rawValue)),
                ("upstreams", .array(route.upstreams.map { .string($0.name) })),
            ]))
        }
        var writer = JSONWriter()
        writer.write(.object(JSONObject([("routes", .array(routes))])))
        return writer.bytes
    }

    /// `{"routes":[{"name":…,"upstreams":[<UpstreamHealthSnapshot.jsonValue>…]}]}`
    private func upstreamsJSON() -> [UInt8] {
        let routes = RouteHealth.collect(from: context.routes.current).map(\.jsonValue)
        var writer = JSONWriter()
        writer.write(.object(JSONObject([("routes", .array(routes))])))
        return writer.bytes
    }
}
