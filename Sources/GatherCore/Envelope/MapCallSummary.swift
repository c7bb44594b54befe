/// A large map's calls in one report: how many, how many ended in each status, and which
/// failed (their indexes, in order), instead of one `NAME[i]` entry per call.
public struct MapCallSummary: Sendable, Equatable {
    /// Maps with more calls than this are folded.
    public static let foldAbove = 10
    /// At most this many failed indexes are listed; `failed_more` counts the rest.
    public static let listedFailures = 100

    public var calls: Int
    /// Per status, in `UpstreamStatus.allCases` order, only those that occurred.
    public var statuses: [(status: UpstreamStatus, count: Int)]
    /// Indexes of the calls that ended other than `ok` or `cancelled` (the ones that make it partial).
    public var failed: [Int]

    public init(statuses: [UpstreamStatus]) {
        calls = statuses.count
        var counts: [UpstreamStatus: Int] = [:]
        var failed: [Int] = []
        for (index, status) in statuses.enumerated() {
            counts[status, default: 0] += 1
            if status.makesPartial { failed.append(index) }
        }
        self.statuses = UpstreamStatus.allCases.compactMap { status in counts[status].map { (status, $0) } }
        self.failed = failed
    }

    public static func == (lhs: MapCallSummary, rhs: MapCallSummary) -> Bool {
        lhs.calls == rhs.calls && lhs.failed == rhs.failed
            && lhs.statuses.map(\.status) == rhs.statuses.map(\.status) && lhs.statuses.map(\.count) == rhs.statuses.map(\.count)
    }

    /// `,"calls":200,"statuses":{"ok":198,"bad_status":2},"failed":[3,17]` into a report object.
    func write(into writer: inout JSONWriter) {
        writer.writeRaw(",\"calls\":")
        writer.writeInt(calls)
        writer.writeRaw(",\"statuses\":{")
        for (position, entry) in statuses.enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeKey(entry.status.rawValue)
            writer.writeInt(entry.count)
        }
        writer.writeRaw("},\"failed\":[")
        for (position, index) in failed.prefix(Self.listedFailures).enumerated() {
            if position > 0 { writer.writeByte(UInt8(ascii: ",")) }
            writer.writeInt(index)
        }
        writer.writeByte(UInt8(ascii: "]"))
        if failed.count > Self.listedFailures {
            writer.writeRaw(",\"failed_more\":")
            writer.writeInt(failed.count - Self.listedFailures)
        }
    }
}
