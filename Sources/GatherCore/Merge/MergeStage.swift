/// Turns the ok upstreams' contributions (route order) into one answer. Stages are pure:
/// the same contributions always give the same output.
public protocol MergeStage: Sendable {
    func merge(_ contributions: [UpstreamContribution]) -> MergeOutput
}
