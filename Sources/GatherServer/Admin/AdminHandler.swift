import GatherCore
import NIOCore
import NIOHTTP1

/// Answers the admin endpoints from the gateway's live state.
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
            let (status, contentType, body) = answer(head)
            var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count))])
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            channelContext.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                                 promise: nil)
            channelContext.write(wrapOutboundOut(.body(.byteBuffer(channelContext.channel.allocator.buffer(bytes: body)))),
                                 promise: nil)
            let done = channelContext.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !head.isKeepAlive { done.whenComplete { _ in channelContext.close(promise: nil) } }
        }
    }

    private func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String, [UInt8]) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET else {
            return (.methodNotAllowed, "application/json", ErrorBody.json("admin endpoints answer GET only"))
        }
        switch path {
        case "/healthz":
            return (.ok, "application/json", Array(#"{"status":"ok"}"#.utf8))
        case "/readyz":
            return health.isDraining
                ? (.serviceUnavailable, "application/json", Array(#"{"status":"draining"}"#.utf8))
                : (.ok, "application/json", Array(#"{"status":"ready"}"#.utf8))
        case "/routes":
            return (.ok, "application/json", routesJSON())
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4", Array(metricsText().utf8))
        default:
            return (.notFound, "application/json", ErrorBody.json("no admin endpoint \(path)"))
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

    private func metricsText() -> String {
        """
        # HELP gather_requests_in_flight Client requests being aggregated now.
        # TYPE gather_requests_in_flight gauge
        gather_requests_in_flight \(context.admission.current)
        # HELP gather_routes_loaded Routes currently served.
        # TYPE gather_routes_loaded gauge
        gather_routes_loaded \(context.routes.current.routes.count)

        """
    }
}
