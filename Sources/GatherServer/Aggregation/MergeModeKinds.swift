import GatherCore

extension MergeSpec.Mode {
    /// List modes merge each upstream's array; `object` and `vote` use whole values.
    var mergesItems: Bool {
        switch self {
        case .concat, .sort, .fuse: return true
        case .object, .vote: return false
        }
    }
}
