import GatherCore
import Testing

@Suite("Unquoted placeholders inside YAML flow collections, as the contract writes them")
struct FlowTemplateShieldTests {
    @Test func contractFlowStyleLoads() throws {
        let text = """
        routes:
          - name: user
            match: { method: GET, path: /users/{id} }
            deadline: 250ms
            upstreams:
              - name: alpha
                url: http://127.0.0.1:9101/users/{path.id}?q={query.q}
                replicas: [http://127.0.0.1:9111/users/{path.id}?q={query.q}]
                headers: { X-User: "{path.id}" }
        """
        let parsed = RouteLoader.parse(text: text, file: "t.yaml", environment: [:])
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        let route = try #require(parsed.routes.first)
        #expect(route.path.source == "/users/{id}")
        #expect(route.upstreams[0].replicas.map(\.source) == ["http://127.0.0.1:9111/users/{path.id}?q={query.q}"])
        #expect(route.upstreams[0].url.source == "http://127.0.0.1:9101/users/{path.id}?q={query.q}")
    }

    @Test func errorsAfterAShieldedPlaceholderKeepTheirColumns() {
        let text = """
        routes:
          - name: user
            match: { method: GET, path: /users/{id} }
            deadline: 250ms
            upstreams:
              - { name: alpha, url: "http://127.0.0.1:9101/users/{path.id}", colour: blue }
        """
        let errors = RouteLoader.parse(text: text, file: "t.yaml", environment: [:]).errors.map(\.description)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("t.yaml:6:70: unknown key 'colour'") == true, "\(errors)")
    }

    @Test func aPlaceholderStartingAValueIsStillAFlowMapping() {
        // `path: {id}` is a mapping to YAML; only placeholders that continue a scalar are shielded.
        let text = """
        routes:
          - name: user
            match: { method: GET, path: {id} }
            deadline: 250ms
            upstreams:
              - { name: alpha, url: "http://127.0.0.1:9101/x" }
        """
        let errors = RouteLoader.parse(text: text, file: "t.yaml", environment: [:]).errors.map(\.description)
        #expect(errors.first?.contains("match.path") == true, "\(errors)")
    }
}
