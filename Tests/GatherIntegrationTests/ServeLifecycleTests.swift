import Foundation
import GatherFixtures
import GatherTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gather serve` as a process: SIGTERM drains, SIGHUP reloads, the admin listener stays private.
@Suite("gather serve, the real executable: signals and listeners", .serialized)
struct ServeLifecycleTests {
    private static func routeFile(_ name: String, path: String, port: Int) -> String {
        """
        routes:
          - name: \(name)
            match: { method: GET, path: \(path) }
            deadline: 2s
            upstreams:
              - { name: \(name), url: "http://127.0.0.1:\(port)/search" }
            merge: { items: /results }

        """
    }

    @Test("SIGTERM under load: every accepted request gets its 200, new connections are refused, exit 0")
    func sigtermDrainsUnderLoad() async throws {
        try await Scenario.with([Backends.backend("slow", [FixturePath(
            path: "/search", body: Backends.results(["https://slow.example/1"]), latency: .fixed(.milliseconds(200)))])],
        ) { scenario in
            try scenario.writeRoutes(Self.routeFile("slow", path: "/slow", port: scenario.ports["slow"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path, "--drain", "5s"])
            defer { Task { await serve.stop() } }
            let client = TestClient(port: serve.port)
            defer { client.shutdown() }
            let log = ResultLog()
            let clients = 6
            let loops = (0..<clients).map { _ in
                Task {
                    // Until a request fails: after the drain starts that is the refused connect.
                    // (Bounded: a gateway that never drained must fail the test, not hang it.)
                    let deadline = ContinuousClock.now + .seconds(30)
                    while ContinuousClock.now < deadline {
                        let response = await client.get("/slow")
                        log.record(response)
                        if response.status != 200 { return }
                    }
                }
            }
            // Every client has had an answer, and the gateway holds the next round: the signal
            // must find requests in flight (a client between two requests would meet a closed
            // listener or a closing connection, which is not what this test is about).
            #expect(await log.waitFor(answers: clients, within: .seconds(10)))
            let admin = TestClient(port: serve.adminPort)
            defer { admin.shutdown() }
            #expect(await Self.waitForInFlight(clients, admin: admin, within: .seconds(10)))
            let signalled = log.mark()
            serve.send(SIGTERM)
            for loop in loops { await loop.value }

            #expect(await serve.waitForExit(within: .seconds(10)) == 0, "\(serve.stderr)")
            let results = log.all
            let failures = results.filter { $0.status != 200 }
            #expect(failures.count == clients, "one refused connect ends each client loop")
            for failure in failures {
                #expect(failure.failure.contains("Couldn't connect") || failure.failure.contains("Failed to connect"),
                        "an accepted request failed: \(failure.status) \(failure.failure) \(failure.body)")
            }
            let answeredAfterSignal = results.filter { $0.status == 200 && $0.sequence > signalled }
            #expect(answeredAfterSignal.count >= 1, "requests in flight at SIGTERM are answered")
            #expect(!serve.stderr.contains("aborting"), "\(serve.stderr)")
            // NIO's complaint about work scheduled on a loop already shut down (a helper
            // released after the group) is a shutdown-order bug.
            #expect(!serve.stderr.contains("Cannot schedule tasks"), "\(serve.stderr)")
        }
    }

    /// Polls `/metrics` until `gather_requests_in_flight` is `count`.
    private static func waitForInFlight(_ count: Int, admin: TestClient, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let exposition = await admin.get("/metrics").text
            let name = "gather_requests_in_flight "
            if exposition.split(separator: "\n").contains(where: {
                $0.hasPrefix(name) && Double($0.dropFirst(name.count)) == Double(count)
            }) {
                return true
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test("SIGHUP under load: a good file switches the answer, a bad one keeps it and logs FILE:LINE:COL; no request fails")
    func reloadUnderLoad() async throws {
        try await Scenario.with([
            Backends.backend("a", [FixturePath(path: "/search", body: Backends.results(["https://a.example/1"]),
                                               latency: .fixed(.milliseconds(20)))]),
            Backends.backend("b", [FixturePath(path: "/search", body: Backends.results(["https://b.example/1"]),
                                               latency: .fixed(.milliseconds(20)))]),
        ]) { scenario in
            let good = ["a", "b"].map { Self.routeFile("thing", path: "/thing", port: scenario.ports[$0]!) }
            // Line 5, column 5: a key no route has; line 6, column 5: a deadline that is no duration.
            let bad = """
            routes:
              - name: thing
                match: { method: GET, path: /thing }
                upstreams: [{ name: a, url: "http://127.0.0.1:1/x" }]
                colour: blue
                deadline: soon

            """
            try scenario.writeRoutes(good[0])
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path])
            defer { Task { await serve.stop() } }
            let client = TestClient(port: serve.port)
            let admin = TestClient(port: serve.adminPort)
            defer { client.shutdown(); admin.shutdown() }
            let log = ResultLog()
            let running = Locked(true)
            let loops = (0..<4).map { _ in
                Task {
                    while running.value {
                        let started = log.mark()
                        log.record(await client.get("/thing"), startedAfter: started)
                    }
                }
            }
            #expect(await log.waitFor(answers: 8, within: .seconds(10)))
            var current = "a"
            for round in 1...3 {
                current = current == "a" ? "b" : "a"
                try scenario.writeRoutes(good[current == "a" ? 0 : 1])
                let beforeSwitch = log.mark()
                serve.send(SIGHUP)
                #expect(await log.waitFor(body: "https://\(current).example/1", after: beforeSwitch, within: .seconds(10)),
                        "round \(round)")

                try scenario.writeRoutes(bad)
                serve.send(SIGHUP)
                #expect(await serve.waitForStderr("routes.yaml:6:", count: round, within: .seconds(10)), "\(serve.stderr)")
                // Requests started after the failed reload: all on the route the last good file gave.
                let mark = log.mark()
                #expect(await log.waitFor(answers: 8, after: mark, within: .seconds(10)))
                let later = log.all.filter { $0.startedAfter >= mark }
                #expect(!later.isEmpty && later.allSatisfy { $0.body.contains("https://\(current).example/1") },
                        "the old route keeps serving")
            }
            running.withLock { $0 = false }
            for loop in loops { await loop.value }

            let results = log.all
            #expect(results.count > 24)
            let failed = results.filter { $0.status != 200 }
            #expect(failed.isEmpty, "\(failed.prefix(3).map { "\($0.status) \($0.failure) \($0.body)" })")
            #expect(serve.stderr.contains("routes.yaml:5:5:"), "every error is logged")
            let metrics = await admin.get("/metrics").text
            #expect(metrics.contains("gather_config_reloads_total 3"), "\(metrics)")
            #expect(metrics.contains("gather_config_reload_failures_total 3"))
            serve.send(SIGTERM)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
        }
    }

    @Test("a second SIGTERM ends the drain at once: the request in flight gets its partial answer, exit 0")
    func secondSignalEndsDrain() async throws {
        try await Scenario.with([Backends.backend("slow", [FixturePath(
            path: "/search", body: Backends.results(["https://slow.example/1"]), latency: .fixed(.seconds(5)))])],
        ) { scenario in
            try scenario.writeRoutes(Self.routeFile("slow", path: "/slow", port: scenario.ports["slow"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path, "--drain", "30s"])
            defer { Task { await serve.stop() } }
            let client = TestClient(port: serve.port)
            defer { client.shutdown() }
            let admin = TestClient(port: serve.adminPort)
            defer { admin.shutdown() }
            let pending = Task { await client.get("/slow") }
            var inFlight = false
            for _ in 0..<200 where !inFlight {
                inFlight = await admin.get("/metrics").text.contains("\ngather_requests_in_flight 1")
                if !inFlight { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(inFlight)
            serve.send(SIGTERM)
            #expect(await serve.waitForStderr("draining", within: .seconds(5)))
            let started = ContinuousClock.now
            serve.send(SIGTERM)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
            #expect(ContinuousClock.now - started < .seconds(3), "not the 30 s drain, nor the 5 s upstream")
            let answer = await pending.value
            #expect(answer.status == 502, "the aborted upstream is an error, answered, not a dropped connection")
            #expect(answer["/partial"] == .bool(true))
            #expect(serve.stderr.contains("second signal"))
        }
    }

    @Test("--watch reloads a changed route file without a signal")
    func watchReloads() async throws {
        try await Scenario.with([Backends.fast("a", urls: ["https://a.example/1"]),
                                 Backends.fast("b", urls: ["https://b.example/1"])]) { scenario in
            try scenario.writeRoutes(Self.routeFile("thing", path: "/thing", port: scenario.ports["a"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path, "--watch"])
            defer { Task { await serve.stop() } }
            let client = TestClient(port: serve.port)
            defer { client.shutdown() }
            #expect(await client.get("/thing").text.contains("https://a.example/1"))
            try scenario.writeRoutes(Self.routeFile("thing", path: "/thing", port: scenario.ports["b"]!))
            var switched = false
            for _ in 0..<100 where !switched {
                switched = await client.get("/thing").text.contains("https://b.example/1")
                if !switched { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(switched, "\(serve.stderr)")
            serve.send(SIGTERM)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
        }
    }

    @Test("--accept-grace: after SIGTERM /readyz says 503 while new connections are still served, then refused")
    func acceptGrace() async throws {
        try await Scenario.with([Backends.fast("a", urls: ["https://a.example/1"])]) { scenario in
            try scenario.writeRoutes(Self.routeFile("thing", path: "/thing", port: scenario.ports["a"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path, "--accept-grace", "1500ms"])
            defer { Task { await serve.stop() } }
            let admin = TestClient(port: serve.adminPort)
            defer { admin.shutdown() }
            #expect(await admin.get("/readyz").status == 200)
            serve.send(SIGTERM)
            var ready = await admin.get("/readyz")
            for _ in 0..<100 where ready.status != 503 {
                try await Task.sleep(for: .milliseconds(5))
                ready = await admin.get("/readyz")
            }
            #expect(ready.status == 503)
            // A fresh client: a new connection, accepted during the grace.
            let during = TestClient(port: serve.port)
            #expect(await during.get("/thing").status == 200)
            during.shutdown()
            var refused = false
            for _ in 0..<300 where !refused {
                let late = TestClient(port: serve.port)
                let response = await late.get("/thing")
                late.shutdown()
                refused = response.status == 0
                if !refused { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(refused, "the listener closes after the grace")
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
        }
    }

    @Test("the client-limit flags reach the gateway: --max-request-line, --max-headers, --head-timeout")
    func clientLimitFlags() async throws {
        try await Scenario.with([Backends.fast("a", urls: ["https://a.example/1"])]) { scenario in
            try scenario.writeRoutes(Self.routeFile("a", path: "/search", port: scenario.ports["a"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path, "--max-request-line", "32B",
                                                      "--max-headers", "100B", "--head-timeout", "300ms",
                                                      "--idle-timeout", "1s"])
            defer { Task { await serve.stop() } }
            let client = RawHTTPClient(port: serve.port)
            let long = try client.exchange("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(long.hasPrefix("HTTP/1.1 414"), "the default 8 KiB would route it (404)")
            let headers = try client.exchange("GET /x HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 120))\r\n\r\n")
            #expect(headers.hasPrefix("HTTP/1.1 431"))
            let started = ContinuousClock.now
            let slow = try client.exchange("GET /x HTTP/1.1\r\nHost:", timeout: 5)
            #expect(slow.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(3), "closed after --head-timeout, not the default 10 s")
            await #expect(throws: ServeProcess.Failure.self, "a bad duration is refused at start") {
                try await ServeProcess.start(["--routes", scenario.folder.path, "--idle-timeout", "soon"])
            }
        }
    }

    @Test("the admin endpoints answer on the admin listener only; the public one says 404")
    func adminNotOnPublicListener() async throws {
        try await Scenario.with([Backends.fast("a", urls: ["https://a.example/1"])]) { scenario in
            try scenario.writeRoutes(Self.routeFile("thing", path: "/thing", port: scenario.ports["a"]!))
            let serve = try await ServeProcess.start(["--routes", scenario.folder.path])
            defer { Task { await serve.stop() } }
            let client = TestClient(port: serve.port)
            let admin = TestClient(port: serve.adminPort)
            defer { client.shutdown(); admin.shutdown() }
            #expect(await client.get("/thing").status == 200)
            for path in ["/", "/metrics", "/healthz", "/readyz", "/routes", "/upstreams"] {
                #expect(await client.get(path).status == 404, "public \(path)")
                #expect(await admin.get(path).status == 200, "admin \(path)")
            }
            serve.send(SIGINT)
            #expect(await serve.waitForExit(within: .seconds(10)) == 0)
        }
    }
}

/// Fixture backends on ephemeral ports and a folder for the route file.
private struct Scenario {
    let ports: [String: Int]
    let folder: URL

    /// Replaces the route file in one rename, so a reload never reads half a file.
    func writeRoutes(_ text: String) throws {
        let staging = folder.deletingLastPathComponent().appendingPathComponent("\(folder.lastPathComponent).tmp")
        try text.write(to: staging, atomically: false, encoding: .utf8)
        guard rename(staging.path, folder.appendingPathComponent("routes.yaml").path) == 0 else {
            throw ServeProcess.Failure(description: "rename failed: \(errno)")
        }
    }

    static func with(_ backends: [FixtureBackend], _ body: (Scenario) async throws -> Void) async throws {
        let fixtures = try await FixtureServer.start(FixtureSet(backends: backends), ephemeralPorts: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gather-serve-\(UUID().uuidString)")
        var failure: Error?
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try await body(Scenario(ports: fixtures.ports, folder: folder))
        } catch {
            failure = error
        }
        try? FileManager.default.removeItem(at: folder)
        try? await fixtures.shutdown()
        if let failure { throw failure }
    }
}

/// Every response the client loops saw, in completion order.
private final class ResultLog: Sendable {
    struct Entry {
        let sequence: Int
        /// `mark()` when the request was sent.
        let startedAfter: Int
        let status: Int
        let body: String
        let failure: String
    }

    private struct State {
        var entries: [Entry] = []
        var sequence = 0
    }

    private let state = Mutex(State())

    func record(_ response: TestResponse, startedAfter: Int = 0) {
        state.withLock { state in
            state.sequence += 1
            state.entries.append(Entry(sequence: state.sequence, startedAfter: startedAfter, status: response.status, body: response.text,
                                 failure: response.header("x-test-failure") ?? ""))
        }
    }

    /// A point in the sequence: entries after it completed later.
    func mark() -> Int { state.withLock { state in state.sequence } }
    var all: [Entry] { state.withLock { state in state.entries } }

    func waitFor(answers count: Int, after mark: Int = 0, within limit: Duration) async -> Bool {
        await waitUntil(within: limit) { $0.filter { $0.sequence > mark && $0.status == 200 }.count >= count }
    }

    func waitFor(body text: String, after mark: Int, within limit: Duration) async -> Bool {
        await waitUntil(within: limit) { $0.contains { $0.sequence > mark && $0.body.contains(text) } }
    }

    private func waitUntil(within limit: Duration, _ condition: ([Entry]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(all)
    }
}
