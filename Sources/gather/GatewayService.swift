import GatherServer
import Logging
import ServiceLifecycle
import UnixSignals

/// `serve`'s gateway as a service: it serves until the group's graceful shutdown (SIGTERM or
/// SIGINT), then turns `/readyz` to 503, accepts on for `acceptGrace`, stops accepting and drains
/// for `drain`; past it, upstream transfers are aborted.
/// A second SIGTERM/SIGINT during the grace or the drain cuts both short the same way: whoever sends it twice
/// wants the process gone now, and the answers it still owes are better cut than lost.
struct GatewayService: Service {
    let server: GatewayServer
    let drain: Duration
    /// Accepting on with `/readyz` at 503 before the drain, for load balancers that do not retry.
    let acceptGrace: Duration
    let logger: Logger
    /// Says where the gateway listens. Called first thing in `run`: the group traps SIGTERM/SIGINT
    /// before it starts any service, so whoever reads the line may signal the process at once.
    let announce: @Sendable () -> Void

    func run() async throws {
        announce()
        // Throws only when the group is cancelled rather than shut down: nothing to wait for then.
        let graceful = (try? await gracefulShutdown()) != nil
        let budget = graceful ? drain : .zero
        let grace = graceful ? acceptGrace : .zero
        logger.info("draining", metadata: ["in_flight": "\(server.requestsInFlight)", "drain": "\(budget)",
                                           "accept_grace": "\(grace)"])
        let server = server
        let logger = logger
        let secondSignal = Task {
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                logger.warning("second signal: ending the drain now", metadata: ["signal": "\(signal)"])
                server.cutDrainShort()
                return
            }
        }
        await server.shutdown(drain: budget, acceptGrace: grace)
        secondSignal.cancel()
        logger.info("stopped")
    }
}
