/// What other threads ask a transfer thread to do.
enum TransferCommand {
    case start(Transfer)
    case cancel(Transfer)
    case stop
}
