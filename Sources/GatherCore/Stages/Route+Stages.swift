extension Route {
    /// Per upstream, the indices of its needs (empty for the first stage).
    public var needIndices: [[Int]] {
        guard upstreams.contains(where: { !$0.stage.needs.isEmpty }) else {
            return Array(repeating: [], count: upstreams.count)
        }
        var indexByName: [String: Int] = [:]
        for (index, upstream) in upstreams.enumerated() where indexByName[upstream.name] == nil {
            indexByName[upstream.name] = index
        }
        return upstreams.map { $0.stage.needs.compactMap { indexByName[$0] } }
    }

    /// The number of stages: 1 without needs, else the longest chain of needs plus one.
    public var stageDepth: Int {
        StageDepth.stages(needs: needIndices).max() ?? 1
    }
}
