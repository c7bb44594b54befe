/// What makes an upstream part of a later stage: the upstreams it waits for, and whether the
/// answer fails without it.
public struct UpstreamStage: Sendable {
    /// Upstreams that must be `ok` before this one is sent: `needs:` as written, else the
    /// upstreams its `{from.NAME/…}` placeholders read, in order of first mention.
    public var needs: [String] = []
    /// Where each need was written (the `needs:` entry, or the template naming it), for errors.
    public var needLocations: [SourceLocation] = []
    /// `required: true`: the answer is 502/504 unless this upstream is `ok`.
    public var required = false
    /// `each:`: a map over an array of the client's body or of a need's answer.
    public var each: MapSpec?

    public init(needs: [String] = [], needLocations: [SourceLocation] = [], required: Bool = false) {
        self.needs = needs
        self.needLocations = needLocations
        self.required = required
    }

    /// Every `{from.…}` reference in the upstream's url, replicas and headers.
    public static func fromReferences(of upstream: UpstreamSpec) -> [TemplateReference] {
        var references: [TemplateReference] = []
        for template in [upstream.url] + upstream.replicas {
            references += template.references.filter { $0.kind == .from }
        }
        for header in upstream.headers {
            references += header.value.references.filter { $0.kind == .from }
        }
        return references
    }
}
