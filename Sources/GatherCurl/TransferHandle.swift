/// Names one started transfer so it can be cancelled.
public struct TransferHandle: Sendable, Hashable {
    let transfer: Transfer

    init(_ transfer: Transfer) {
        self.transfer = transfer
    }

    public static func == (lhs: TransferHandle, rhs: TransferHandle) -> Bool {
        lhs.transfer === rhs.transfer
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(transfer))
    }
}
