import GatherCore

/// What a fixture does with one request, decided up front from the backend's generator.
///
/// Kept free of I/O so the fault logic can be tested without sockets; the connection handler
/// only carries a plan out.
public struct FixturePlan: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Close with an RST instead of answering.
        case reset
        /// Write bytes that are not HTTP, then close.
        case garbage
        case respond
    }

    public enum Content: Sendable, Equatable {
        /// The path's canned body (or echo).
        case configured
        /// A small JSON error body, with the injected status.
        case injectedError
        /// A valid JSON body of exactly this many bytes.
        case oversized(bytes: Int)
    }

    public enum Delivery: Sendable, Equatable {
        case whole
        case drip(chunk: Int, every: Duration)
        /// Declare the full Content-Length, send half of the body, close.
        case truncated
    }

    /// Latency plus any stall; the answer (or the fault) happens after it.
    public var delay: Duration
    public var action: Action
    public var status: Int
    public var content: Content
    public var delivery: Delivery

    public init(delay: Duration, action: Action, status: Int, content: Content, delivery: Delivery) {
        self.delay = delay
        self.action = action
        self.status = status
        self.content = content
        self.delivery = delivery
    }

    /// Number of uniforms one request consumes, whatever the path configures, so that a change to
    /// one path's rates never shifts the random sequence another request sees.
    public static let drawsPerRequest = 9

    /// Draws one plan. Precedence when several faults fire: reset, garbage, then an injected error
    /// replaces the body, oversized replaces the body, truncate beats drip.
    public static func draw(for path: FixturePath, using generator: inout SplitMixGenerator) -> FixturePlan {
        let latency = path.latency.sample(uniform1: generator.nextUnit(), uniform2: generator.nextUnit())
        let errorFires = generator.nextUnit() < path.error.rate
        let stallFires = generator.nextUnit() < path.stall.rate
        let resetFires = generator.nextUnit() < path.reset
        let garbageFires = generator.nextUnit() < path.garbage
        let oversizedFires = generator.nextUnit() < path.oversized.rate
        let dripFires = generator.nextUnit() < path.drip.rate
        let truncateFires = generator.nextUnit() < path.truncate

        let delay = latency + (stallFires ? path.stall.duration : .zero)
        let action: Action = resetFires ? .reset : garbageFires ? .garbage : .respond
        let content: Content = errorFires ? .injectedError : oversizedFires ? .oversized(bytes: path.oversized.bytes) : .configured
        let delivery: Delivery = truncateFires ? .truncated : dripFires ? .drip(chunk: path.drip.chunk, every: path.drip.every) : .whole
        return FixturePlan(delay: delay, action: action, status: errorFires ? path.error.status : path.status,
                           content: content, delivery: delivery)
    }
}
