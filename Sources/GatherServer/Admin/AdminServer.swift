import GatherCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The admin listener: health, readiness, loaded routes, metrics. Never on the public port.
enum AdminServer {
    static func bootstrap(group: EventLoopGroup, context: GatewayContext, health: HealthState) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(context: context, health: health))
                }
            }
    }
}
