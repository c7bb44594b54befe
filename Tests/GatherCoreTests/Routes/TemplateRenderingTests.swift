import Testing
@testable import GatherCore

struct TemplateRenderingTests {
    private func renderURL(_ template: String, query: [String: String] = [:], path: [String: String] = [:],
                           headers: [String: String] = [:], shard: Int? = nil) throws -> String {
        let parsed = try URLTemplate(parsing: template)
        return try parsed.render(TemplateValues(query: query, path: path, headers: headers, shard: shard)).get()
    }

    @Test(arguments: [
        ("a/../b", "http://h/p/a%2F..%2Fb/x"),
        ("..", "http://h/p/%2E%2E/x"),
        (".", "http://h/p/%2E/x"),
        ("...", "http://h/p/.../x"),
        ("x&admin=1", "http://h/p/x%26admin%3D1/x"),
        ("x#frag", "http://h/p/x%23frag/x"),
        ("x?y=1", "http://h/p/x%3Fy%3D1/x"),
        ("a\r\nX-Evil: 1", "http://h/p/a%0D%0AX-Evil%3A%201/x"),
        ("%2F", "http://h/p/%252F/x"),
        ("é日", "http://h/p/%C3%A9%E6%97%A5/x"),
        ("", "http://h/p//x"),
        ("a+b c", "http://h/p/a%2Bb%20c/x"),
        ("AZaz09-._~", "http://h/p/AZaz09-._~/x"),
    ])
    func pathValuesStayOneSegment(value: String, expected: String) throws {
        #expect(try renderURL("http://h/p/{path.id}/x", path: ["id": value]) == expected)
    }

    @Test(arguments: [
        ("x&admin=1", "http://h/s?q=x%26admin%3D1&n=5"),
        ("x#frag", "http://h/s?q=x%23frag&n=5"),
        ("a\r\nX-Evil: 1", "http://h/s?q=a%0D%0AX-Evil%3A%201&n=5"),
        ("%2F", "http://h/s?q=%252F&n=5"),
        ("a/../b", "http://h/s?q=a%2F..%2Fb&n=5"),
        ("..", "http://h/s?q=..&n=5"),
        ("1+1=2", "http://h/s?q=1%2B1%3D2&n=5"),
        ("é", "http://h/s?q=%C3%A9&n=5"),
        ("", "http://h/s?q=&n=5"),
    ])
    func queryValuesCannotAddParameters(value: String, expected: String) throws {
        #expect(try renderURL("http://h/s?q={query.q}&n=5", query: ["q": value]) == expected)
    }

    @Test(arguments: [
        ("a\r\nX-Evil: 1", "Tenant a%0D%0AX-Evil: 1!"),
        ("a\nb", "Tenant a%0Ab!"),
        ("tab\there", "Tenant tab%09here!"),
        ("nul\u{0}del\u{7F}", "Tenant nul%00del%7F!"),
        ("%0D", "Tenant %0D!"),
        ("é x&y=1", "Tenant é x&y=1!"),
        ("", "Tenant !"),
    ])
    func headerValuesCannotAddLines(value: String, expected: String) throws {
        let template = try HeaderTemplate(parsing: "Tenant {header.X-Tenant}!")
        #expect(template.references == [TemplateReference(kind: .header, name: "x-tenant")])
        #expect(try template.render(TemplateValues(headers: ["x-tenant": value])).get() == expected)
    }

    @Test func headerPlaceholdersInAURLAreEncodedForTheirPosition() throws {
        let url = "http://h/t/{header.X-Tenant}?a={header.x-tenant}"
        #expect(try renderURL(url, headers: ["x-tenant": "a/b&c"]) == "http://h/t/a%2Fb%26c?a=a%2Fb%26c")
    }

    @Test func missingValuesNameWhatIsMissing() throws {
        let template = try URLTemplate(parsing: "http://h/{path.id}?q={query.q}&t={header.X-T}")
        #expect(template.references == [TemplateReference(kind: .path, name: "id"), TemplateReference(kind: .query, name: "q"),
                                        TemplateReference(kind: .header, name: "x-t")])
        let noQuery = template.render(TemplateValues(path: ["id": "1"]))
        #expect(noQuery.failure?.description == "missing query parameter 'q'")
        #expect(template.render(TemplateValues()).failure?.description == "missing path parameter 'id'")
        let noHeader = template.render(TemplateValues(query: ["q": ""], path: ["id": "1"]))
        #expect(noHeader.failure?.description == "missing header 'x-t'")
        #expect(try URLTemplate(parsing: "http://h/{shard}").render(TemplateValues()).failure?.description
            == "missing shard index")
    }

    @Test func shardMayNameTheHostBecauseTheRouteFileExpandsIt() throws {
        #expect(try renderURL("http://s{shard}.internal:92{shard}/x/{shard}", shard: 3) == "http://s3.internal:923/x/3")
        let expanded = try URLTemplate(parsing: "http://s{shard}.internal/x?q={query.q}").substitutingShard(12)
        #expect(expanded.source == "http://s12.internal/x?q={query.q}")
        #expect(expanded.references == [TemplateReference(kind: .query, name: "q")])
        #expect(try expanded.render(TemplateValues(query: ["q": "z"])).get() == "http://s12.internal/x?q=z")
    }

    @Test func literalBracesAreWrittenDoubled() throws {
        #expect(try renderURL("http://h/{{x}}") == "http://h/{x}")
        #expect(try HeaderTemplate(parsing: "{{\"a\":1}}").render(TemplateValues()).get() == "{\"a\":1}")
    }

    @Test(arguments: [
        ("http://{query.host}/x", "upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("http://a{header.h}.com/x", "upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("http://h:{query.port}/x", "upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("{query.url}", "upstream hosts come only from route files: a placeholder cannot stand in the scheme, host or port of an upstream url"),
        ("http{query.s}://h/", "upstream url must start with http:// or https://"),
        ("ftp://h/x", "upstream url must start with http:// or https://"),
        ("h/x", "upstream url must start with http:// or https://"),
        ("http:///x", "upstream url has no host"),
        ("http://", "upstream url has no host"),
        ("http://:80/", "upstream url has no host"),
        ("http://h:99999/", "upstream url has an invalid port '99999' (1-65535)"),
        ("http://h:/", "upstream url has an invalid port '' (1-65535)"),
        ("http://u:p@h/", "upstream url cannot hold user info (user@host); send credentials with headers:"),
        ("http://h/x#y", "upstream url cannot have a fragment ('#' is never sent to a server)"),
        ("http://h/a b", "upstream url contains a space or control character (percent-encode it)"),
        ("http://h/é", "upstream url contains a non-ASCII character (percent-encode it)"),
        ("http://h/%zz", "upstream url has a '%' that does not start an escape such as %2F"),
        ("http://h/{cookie.x}", "unknown template source 'cookie' in {cookie.x}: use {query.NAME}, {path.NAME}, {header.NAME}, {from.UPSTREAM/POINTER}, {item/POINTER} or {shard}"),
        ("http://h/{q}", "unknown template placeholder {q}: use {query.NAME}, {path.NAME}, {header.NAME}, {from.UPSTREAM/POINTER}, {item/POINTER} or {shard}"),
        ("http://h/{query.}", "template placeholder {query.} has no name: use {query.NAME}, {path.NAME}, {header.NAME}, {from.UPSTREAM/POINTER}, {item/POINTER} or {shard}"),
        ("http://h/{query.q", "unclosed '{' in template (write '{{' for a literal brace)"),
        ("http://h/x}", "unmatched '}' in template (write '}}' for a literal brace)"),
        ("http://h/{header.a b}", "invalid header name 'a b' in {header.a b}"),
    ])
    func urlSyntaxErrors(template: String, message: String) {
        #expect(throws: TemplateSyntaxError(message)) { try URLTemplate(parsing: template) }
    }

    @Test func acceptedURLShapes() throws {
        #expect(try renderURL("HTTPS://Example.com:8443") == "https://Example.com:8443")
        #expect(try renderURL("http://[::1]:9200/x?a=%2F&b={query.b}", query: ["b": "1"]) == "http://[::1]:9200/x?a=%2F&b=1")
        #expect(try renderURL("http://h?q={query.q}", query: ["q": "a/b"]) == "http://h?q=a%2Fb")
    }

    @Test func headerLiteralsCannotHoldLineBreaks() {
        #expect(throws: TemplateSyntaxError("header value contains a line break or control character")) {
            try HeaderTemplate(parsing: "a\r\nX-Evil: 1")
        }
        #expect(throws: TemplateSyntaxError("header value contains a line break or control character")) {
            try HeaderTemplate(parsing: TemplateSourceText([.written("Bearer "), .substituted("tok\nen")]), source: "Bearer ${T}")
        }
    }

    @Test func environmentTextIsLiteralEvenWithBraces() throws {
        let template = try HeaderTemplate(parsing: TemplateSourceText([.written("Bearer "), .substituted("a{b}c")]),
                                          source: "Bearer ${TOKEN}")
        #expect(template.source == "Bearer ${TOKEN}")
        #expect(template.references.isEmpty)
        #expect(try template.render(TemplateValues()).get() == "Bearer a{b}c")
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
