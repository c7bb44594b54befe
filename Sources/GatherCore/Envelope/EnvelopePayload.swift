/// The merged result an envelope carries: a list (`items`, list modes) or one value (`data`,
/// `object` and `vote`; written even when it is `null`).
public enum EnvelopePayload: Sendable {
    case items(MergedList)
    case data(MergedValue)
}
