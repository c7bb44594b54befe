/// What other threads ask a transfer thread to do.
enum TransferCommand {
    case start(Transfer)
    case cancel(Transfer)
    /// CURLMOPT_MAX_HOST_CONNECTIONS: this thread's share of the engine's per-host limit.
    case limitConnectionsPerHost(Int)
    case stop
}
