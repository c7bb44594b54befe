import Testing
@testable import GatherCore

/// The completion machine under random routes, random event orders and random clocks: for
/// thousands of seeded runs, a driver that behaves like the shell (sends what it is told,
/// sometimes refuses a hedge or retry on the spot, answers attempts in any order, fires timers on
/// time or late, delivers results that lost a race, and sometimes loses its client) checks the
/// invariants after every step. A failing run names its seed, so it replays exactly.
@Suite("FanOut properties over random plans and event orders")
struct FanOutPropertyTests {
    static let ms = FanOutTesting.ms
    static let runs: UInt64 = 3000

    @Test("one finish, last; every sent attempt ends exactly once; nothing after finish; never past the deadline; partial and status as the contract says; budgets kept")
    func invariantsHold() {
        var failures: [String] = []
        for seed in 1...Self.runs {
            var run = Run(seed: seed)
            run.drive()
            if !run.violations.isEmpty {
                failures.append("seed \(seed): \(run.violations.prefix(3).joined(separator: "; ")) — plan \(run.plan)")
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The checks themselves must be able to fail: a driver that forgets an abort, or sends
    /// past `max_parallel`, is caught.
    @Test("the checker catches an attempt that never ends and an overrun of max_parallel")
    func checkerCanFail() {
        var run = Run(seed: 11)
        run.recordSends([.send(AttemptRequest(id: AttemptID(upstream: 0, serial: 0), replica: 0, kind: .primary,
                                              freshConnection: false, timeoutAt: 0))], now: FanOutTesting.start)
        run.recordSends([.send(AttemptRequest(id: AttemptID(upstream: 0, serial: 0), replica: 0, kind: .primary,
                                              freshConnection: false, timeoutAt: 0))], now: FanOutTesting.start)
        #expect(run.violations.contains { $0.contains("sent twice") })

        var parallel = Run(seed: 12, maxParallel: 1)
        let sends: [FanOut.Action] = (0..<2).map {
            .send(AttemptRequest(id: AttemptID(upstream: $0, serial: 0), replica: 0, kind: .primary,
                                 freshConnection: false, timeoutAt: 0))
        }
        parallel.recordSends(sends, now: FanOutTesting.start)
        #expect(parallel.violations.contains { $0.contains("max_parallel") })

        var unfinished = Run(seed: 13)
        unfinished.recordSends([sends[0]], now: FanOutTesting.start)
        unfinished.checkFinish(FanOut(plan: unfinished.plan, now: FanOutTesting.start), clientLeft: false)
        #expect(unfinished.violations.contains { $0.contains("never ended") })
    }

    /// One random plan and one random event order.
    struct Run {
        var random: SplitMixGenerator
        let plan: FanOutPlan
        var machine: FanOut
        var now: Int64
        var violations: [String] = []

        /// Attempts sent and not yet ended, in the driver's view.
        var inFlight: [AttemptID: AttemptKind] = [:]
        /// Every attempt ever sent, and those that ended (answered, aborted or withdrawn).
        var sent: Set<AttemptID> = []
        var ended: Set<AttemptID> = []
        var withdrawn: Set<AttemptID> = []
        var hedgesSent: [Int]
        var retriesSent: [Int]
        var finishes = 0
        var clientLeft = false

        init(seed: UInt64, maxParallel: Int? = nil) {
            random = SplitMixGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15)
            var upstreams: [PlannedUpstream] = []
            let count = Int.random(in: 1...6, using: &random)
            let deadline = Int64.random(in: 20...400, using: &random)
            for _ in 0..<count {
                let replicas = Int.random(in: 1...3, using: &random)
                let timeout = Int64.random(in: 5...deadline, using: &random)
                var retry: PlannedRetry?
                if Bool.random(using: &random) {
                    retry = PlannedRetry(
                        attempts: Int.random(in: 1...3, using: &random),
                        on: RetryTriggers(error: Bool.random(using: &random), timeout: Bool.random(using: &random),
                                          status5xx: Bool.random(using: &random), status429: Bool.random(using: &random)),
                        backoff: Int64.random(in: 0...20, using: &random) * FanOutPropertyTests.ms,
                        expectedLatency: Int64.random(in: 0...30, using: &random) * FanOutPropertyTests.ms)
                }
                upstreams.append(PlannedUpstream(
                    replicaCount: replicas, primaryReplica: Int.random(in: 0..<replicas, using: &random),
                    timeout: timeout * FanOutPropertyTests.ms,
                    hedgeAfter: Bool.random(using: &random) ? Int64.random(in: 0...60, using: &random) * FanOutPropertyTests.ms : nil,
                    hedgeMax: Int.random(in: 1...3, using: &random), retry: retry,
                    skipped: Int.random(in: 0..<8, using: &random) == 0))
            }
            let rule = [CompletionRule.all, .quorum, .first][Int.random(in: 0..<3, using: &random)]
            let parallel = maxParallel ?? (Bool.random(using: &random) ? Int.max : Int.random(in: 1...count + 1, using: &random))
            plan = FanOutPlan(upstreams: upstreams, rule: rule, quorum: Int.random(in: 1...count, using: &random),
                              minOK: Int.random(in: 0...count, using: &random), maxParallel: parallel,
                              deadline: deadline * FanOutPropertyTests.ms,
                              retryJitterSeed: Bool.random(using: &random) ? random.next() : nil)
            now = FanOutTesting.start
            machine = FanOut(plan: plan, now: now)
            hedgesSent = Array(repeating: 0, count: count)
            retriesSent = Array(repeating: 0, count: count)
        }

        mutating func fail(_ text: String) { violations.append(text) }

        mutating func drive() {
            perform(machine.start(), from: "start")
            var steps = 0
            while !machine.isFinished, violations.isEmpty {
                steps += 1
                if steps > 10_000 { return fail("no finish after 10000 steps") }
                guard !inFlight.isEmpty || machine.nextWakeup != nil else {
                    return fail("hangs: nothing in flight and no timer armed, unfinished")
                }
                step()
            }
            checkAfterFinish()
        }

        mutating func step() {
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 2 {
                clientLeft = true
                return perform(machine.clientGone(now: now), from: "clientGone")
            }
            if roll < 7, let stale = ended.randomElement(using: &random) {
                // A result that lost its race with an abort, or a second report: ignored.
                let actions = machine.attemptFinished(stale, randomResult(), now: now)
                if !actions.isEmpty { fail("a result for ended attempt \(stale) produced \(actions)") }
                return
            }
            let answerAt = now + Int64.random(in: 0...30, using: &random) * FanOutPropertyTests.ms
            if roll < 60, !inFlight.isEmpty, machine.nextWakeup.map({ answerAt < $0 }) ?? true {
                return answerRandomAttempt(at: answerAt)
            }
            if let wakeup = machine.nextWakeup {
                // Timers fire on time, or late (a busy event loop).
                let late = Int.random(in: 0..<4, using: &random) == 0 ? Int64.random(in: 1...15, using: &random) * FanOutPropertyTests.ms : 0
                now = max(now, wakeup + late)
                return perform(machine.advance(now: now), from: "advance")
            }
            if !inFlight.isEmpty { answerRandomAttempt(at: answerAt) }
        }

        /// One attempt in flight (drawn in a fixed order, so a seed replays) answers at `instant`.
        mutating func answerRandomAttempt(at instant: Int64) {
            let id = inFlight.keys.sorted { ($0.upstream, $0.serial) < ($1.upstream, $1.serial) }
                .randomElement(using: &random)!
            now = instant
            inFlight[id] = nil
            ended.insert(id)
            perform(machine.attemptFinished(id, randomResult(), now: now), from: "attemptFinished(\(id))")
        }

        mutating func randomResult() -> FanOut.AttemptResult {
            switch Int.random(in: 0..<9, using: &random) {
            case 0, 1, 2: return .success(httpStatus: 200)
            case 3: return .failure(.error, httpStatus: nil)
            case 4: return .failure(.timeout, httpStatus: nil)
            case 5: return .failure(.badStatus, httpStatus: 503)
            case 6: return .failure(.badStatus, httpStatus: 429)
            case 7: return .failure(.badBody, httpStatus: 200)
            default: return .failure(.tooLarge, httpStatus: 200)
            }
        }

        /// Does what the shell does with one list of actions, checking it on the way.
        mutating func perform(_ actions: [FanOut.Action], from event: String) {
            if finishes > 0, !actions.isEmpty { fail("\(event) after finish produced \(actions)") }
            if let index = actions.firstIndex(of: .finish), index != actions.count - 1 {
                fail("\(event): finish is not the last action of \(actions)")
            }
            if actions.filter({ $0 == .finish }).count > 1 { fail("\(event): two finishes in \(actions)") }
            if actions.last == .finish, actions.contains(where: {
                if case .send(let request) = $0 { return request.kind != .primary } else { return false }
            }) {
                fail("\(event): a hedge or retry requested in the step that finishes: \(actions)")
            }
            var refused: [AttemptID] = []
            for action in actions {
                switch action {
                case .send(let request):
                    recordSends([action], now: now)
                    // The shell refuses some hedges and retries on the spot (budget, breaker).
                    if request.kind != .primary, actions.last != .finish, Int.random(in: 0..<5, using: &random) == 0 {
                        refused.append(request.id)
                    }
                case .abort(let id):
                    if !sent.contains(id) { fail("\(event): abort of \(id), never sent") }
                    if ended.contains(id) { fail("\(event): abort of \(id), which had already ended") }
                    ended.insert(id)
                    inFlight[id] = nil
                case .finish:
                    finishes += 1
                    checkFinish(machine, clientLeft: clientLeft)
                }
            }
            for id in refused where !machine.isFinished {
                guard inFlight[id] != nil else { continue }
                inFlight[id] = nil
                ended.insert(id)
                withdrawn.insert(id)
                perform(machine.withdraw(id, now: now), from: "withdraw(\(id))")
            }
            if !machine.isFinished, let wakeup = machine.nextWakeup, wakeup > machine.deadlineAt {
                fail("\(event): timer armed at \(wakeup - machine.startedAt) ns, past the deadline")
            }
        }

        /// Checks the sends of one action list against the plan's budgets and records them.
        mutating func recordSends(_ actions: [FanOut.Action], now: Int64) {
            for action in actions {
                guard case .send(let request) = action else { continue }
                let id = request.id
                guard sent.insert(id).inserted else {
                    fail("\(id) sent twice")
                    continue
                }
                inFlight[id] = request.kind
                guard plan.upstreams.indices.contains(id.upstream) else {
                    fail("\(id): no such upstream")
                    continue
                }
                let upstream = plan.upstreams[id.upstream]
                if upstream.skipped { fail("\(id): a skipped upstream was sent") }
                if !(0..<max(1, upstream.replicaCount)).contains(request.replica) { fail("\(id): replica \(request.replica) out of range") }
                if request.timeoutAt != SaturatingTime.add(now, max(1, upstream.timeout)) {
                    fail("\(id): times out at \(request.timeoutAt - now) ns, not after its timeout")
                }
                switch request.kind {
                case .primary:
                    if id.serial != 0 { fail("\(id): a primary that is not serial 0") }
                case .hedge:
                    hedgesSent[id.upstream] += 1
                    if upstream.hedgeAfter == nil { fail("\(id): a hedge for an upstream without hedging") }
                    if hedgesSent[id.upstream] > upstream.hedgeMax { fail("\(id): more than hedge.max hedges") }
                case .retry:
                    retriesSent[id.upstream] += 1
                    if retriesSent[id.upstream] > (upstream.retry?.attempts ?? 0) { fail("\(id): more retries than allowed") }
                }
            }
            let limit = max(1, plan.maxParallel)
            if inFlight.count > limit { fail("\(inFlight.count) attempts in flight, max_parallel \(limit)") }
        }

        /// At the finish every sent attempt has ended and every upstream has its final state.
        mutating func checkFinish(_ machine: FanOut, clientLeft: Bool) {
            for id in sent.subtracting(ended).sorted(by: { ($0.upstream, $0.serial) < ($1.upstream, $1.serial) }) {
                fail("\(id) was sent and never ended (no answer, no abort)")
            }
            let outcomes = machine.outcomes
            guard machine.isFinished else { return }
            for (index, outcome) in outcomes.enumerated() {
                guard let status = outcome.status else {
                    fail("upstream \(index) has no final state at the finish")
                    continue
                }
                if let finishedAt = outcome.finishedAt, finishedAt > max(0, plan.deadline) {
                    fail("upstream \(index) settled \(finishedAt) ns after the start, past the deadline")
                }
                if status == .ok, outcome.wonBy == nil { fail("upstream \(index) ok without won_by") }
                if plan.upstreams[index].skipped, status != .skipped { fail("skipped upstream \(index) ended \(status)") }
                let sentHere = sent.filter { $0.upstream == index && !withdrawn.contains($0) }.count
                if outcome.attempts != sentHere {
                    fail("upstream \(index) reports \(outcome.attempts) attempts, \(sentHere) were sent and kept")
                }
            }
            let statuses = outcomes.compactMap(\.status)
            let successes = statuses.filter { $0 == .ok }.count
            if machine.successCount != successes { fail("successCount \(machine.successCount), \(successes) ok") }
            let partial = statuses.contains { [.timeout, .error, .badStatus, .badBody, .tooLarge, .skipped].contains($0) }
            if machine.isPartial != partial { fail("isPartial \(machine.isPartial), the contract says \(partial)") }
            let status = successes >= plan.minOK ? 200 : (statuses.contains(.timeout) ? 504 : 502)
            if machine.responseStatus != status { fail("status \(machine.responseStatus), the contract says \(status)") }
            // Nothing is cancelled unless the rule was met (or the client left).
            let cancelled = statuses.filter { $0 == .cancelled }.count
            if cancelled > 0, !clientLeft {
                let met: Bool
                switch plan.rule {
                case .all: met = false
                case .quorum:
                    let needed = max(1, plan.quorum)
                    met = successes >= needed || successes + cancelled < needed
                case .first: met = successes >= 1
                }
                if !met { fail("\(cancelled) upstream(s) cancelled under \(plan.rule) with \(successes) ok") }
            }
        }

        /// After the finish the machine acts no more, whatever it is told.
        mutating func checkAfterFinish() {
            guard violations.isEmpty else { return }
            if finishes != 1 { return fail("\(finishes) finishes") }
            let late = now + 1_000 * FanOutPropertyTests.ms
            var probe = machine
            var extra = probe.advance(now: late)
            extra += probe.clientGone(now: late)
            for id in sent { extra += probe.attemptFinished(id, .success(httpStatus: 200), now: late) }
            for id in sent { extra += probe.withdraw(id, now: late) }
            if !extra.isEmpty { fail("actions after finish: \(extra)") }
            if probe.outcomes.map(\.status) != machine.outcomes.map(\.status) { fail("outcomes changed after finish") }
        }
    }
}
