import GatherServer
import Logging
import ServiceLifecycle
import UnixSignals

/// `serve`'s gateway as a service: it serves until the group's graceful shutdown (SIGTERM or
/// SIGINT), then stops accepting and drains for `drain`; past it, upstream transfers are aborted.
/// A second SIGTERM/SIGINT during the drain cuts it short the same way: whoever sends it twice
/// wants the process gone now, and the answers it still owes are better cut than lost.
struct GatewayService: Service {
    let server: GatewayServer
    let drain: Duration
    let logger: Logger

    func run() async throws {
        // Throws only when the group is cancelled rather than shut down: nothing to wait for then.
        let graceful = (try? await gracefulShutdown()) != nil
        let budget = graceful ? drain : .zero
        logger.info("draining", metadata: ["in_flight": "\(server.requestsInFlight)", "drain": "\(budget)"])
        let server = server
        let logger = logger
        let secondSignal = Task {
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                logger.warning("second signal: ending the drain now", metadata: ["signal": "\(signal)"])
                server.cutDrainShort()
                return
            }
        }
        await server.shutdown(drain: budget)
        secondSignal.cancel()
        logger.info("stopped")
    }
}
