import GatherCore
import Synchronization
import Testing

/// Route loading reads no file: the PEM files a `tls:` block names are asked for through the
/// lookup it is given (here from memory), at paths resolved against the route file's folder.
@Suite("Files a route names come through the lookup")
struct RouteNamedFileTests {
    private static func route(_ tls: String) -> String {
        """
        routes:
          - name: r
            match: { method: GET, path: /r }
            deadline: 1s
            upstreams:
              - name: u
                url: "https://api.internal/x"
                tls: \(tls)
        """
    }

    private final class Asked: Sendable {
        let paths = Mutex<[String]>([])
    }

    private static func errors(_ tls: String, file: String = "conf/routes.yaml",
                               _ answer: @escaping @Sendable (String) -> NamedPath) -> (errors: [String], asked: [String]) {
        let asked = Asked()
        let parsed = RouteLoader.parse(text: route(tls), file: file, environment: [:]) { path in
            asked.paths.withLock { $0.append(path) }
            return answer(path)
        }
        return (parsed.errors.map(\.description), asked.paths.withLock { $0 })
    }

    @Test("a relative path is asked for in the route file's folder, an absolute one as written")
    func resolution() {
        #expect(Self.errors("{ ca: certs/ca.pem }") { _ in .missing }.asked == ["conf/certs/ca.pem"])
        #expect(Self.errors("{ ca: /etc/ca.pem }") { _ in .missing }.asked == ["/etc/ca.pem"])
        #expect(Self.errors("{ ca: ca.pem }", file: "routes.yaml") { _ in .missing }.asked == ["ca.pem"])
    }

    @Test("missing, unreadable, a folder where a file belongs, an empty CA folder: each a located error")
    func problems() {
        #expect(Self.errors("{ ca: ca.pem }") { _ in .missing }.errors
                == ["conf/routes.yaml:8:20: tls.ca 'ca.pem': no such file or folder"])
        #expect(Self.errors("{ ca: ca.pem }") { _ in .file(nil) }.errors
                == ["conf/routes.yaml:8:20: tls.ca 'ca.pem': cannot read the file (permissions?)"])
        #expect(Self.errors("{ ca: cas }") { _ in .folder(["README", ".hidden.pem"]) }.errors
                == ["conf/routes.yaml:8:20: tls.ca 'cas': no *.pem or *.crt files in the folder"])
        #expect(Self.errors("{ ca: cas }") { _ in .folder(nil) }.errors
                == ["conf/routes.yaml:8:20: tls.ca 'cas': cannot read the folder"])
        #expect(Self.errors("{ cert: c.pem, key: k.pem }") { _ in .folder([]) }.errors.first
                == "conf/routes.yaml:8:22: tls.cert 'c.pem' is a folder; it must be a PEM file")
    }

    @Test("a CA folder's *.pem and *.crt files are asked for in name order")
    func folderOrder() {
        let asked = Self.errors("{ ca: cas }") { path in
            path == "conf/cas" ? .folder(["b.crt", "a.pem", "notes.txt"]) : .file(nil)
        }.asked
        #expect(asked == ["conf/cas", "conf/cas/a.pem"], "the first unreadable file stops the block")
    }

    @Test("bytes that are not PEM are the checker's located error, not a crash")
    func notPEM() {
        let errors = Self.errors("{ ca: ca.pem }") { _ in .file(Array("hello\n".utf8)) }.errors
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("conf/routes.yaml:8:20: tls.ca 'ca.pem': ") == true, "\(errors)")
    }
}
