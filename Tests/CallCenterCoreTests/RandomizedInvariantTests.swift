import XCTest
@testable import CallCenterCore  // `isEligible`, for the routing invariant under every routing rule

/// Thousands of random inputs, valid and invalid, against the core's invariants.
final class RandomizedInvariantTests: XCTestCase {
    private let queueIDs: [QueueID] = ["general", "billing", "vip"]
    private let agentIDs: [AgentID] = ["a1", "a2", "a3", "a4", "a5", "a6"]
    private let skillNames = ["billing", "vip"]

    /// About 2,100 random inputs over three seeds keep every invariant after every step, and refused ones change nothing.
    func testRandomInputsKeepInvariants() throws {
        for seed: UInt64 in [0x5EED_0001, 0xC0FF_EE42, 20_240_229] {
            try run(seed: seed, steps: 700, rules: false)
        }
    }

    /// The same, with every routing rule in play: tiers, languages, account managers, overflow, max wait and max attempts.
    func testRandomInputsKeepInvariantsUnderRoutingRules() throws {
        for seed: UInt64 in [0xACD_0001, 0xACD_0002, 0xACD_0003] {
            try run(seed: seed, steps: 700, rules: true)
        }
    }

    private func run(seed: UInt64, steps: Int, rules: Bool) throws {
        var rng = XorShift64(seed: seed)
        var queues = [
            QueueConfig(id: "general", wrapUp: 0, ringTimeout: 10),
            QueueConfig(id: "billing", skills: ["billing": 3], wrapUp: 5, ringTimeout: 8),
            QueueConfig(id: "vip", skills: ["vip": 5, "billing": 1], wrapUp: 2, ringTimeout: 12, serviceLevel: 10),
        ]
        var agents = [
            profile("a1"), profile("a2", skills: ["billing": 3]), profile("a3", skills: ["billing": 5, "vip": 5]),
            profile("a4", skills: ["vip": 7, "billing": 1]), profile("a5", skills: ["billing": 2]),
            profile("a6", skills: ["billing": 9, "vip": 4]),
        ]
        if rules {
            queues[0].maxAttempts = 3
            queues[1].maxWait = 45
            queues[1].onTimeout = .queue("general")
            queues[2].overflow = [OverflowStep(after: 15, relaxSkills: ["vip": 2]), OverflowStep(after: 30, addQueue: "billing")]
            queues[2].managerWait = 20
            queues[2].maxWait = 90
            queues[2].onTimeout = .callback
            agents[1].languages = ["yue"]
            agents[2].tiers = [.highValue, .potential]
            agents[3].languages = ["zh", "yue"]
            agents[5].tiers = [.stable, .risk]
        }
        var desk = try Desk(queues: queues, agents: agents)
        var nextCall = 1
        var accepted = 0, refused = 0

        for step in 0..<steps {
            desk.advance(Double(Int.random(in: 0...2500, using: &rng)) / 1000)
            let input = randomInput(desk.center, &rng, &nextCall, rules: rules)
            if case .tick = input { desk.advance(Double(Int.random(in: 0...15, using: &rng))) }
            let context = "seed \(seed), step \(step), input \(input)"

            let failuresBefore = testRun?.totalFailureCount ?? 0
            let before = desk.center.snapshot
            switch desk.center.apply(input, at: desk.now) {
            case .success:
                accepted += 1
            case .failure:
                refused += 1
                XCTAssertEqual(desk.center.snapshot, before, "refused input changed the state: \(context)")
            }
            checkInvariants(&desk.center, now: desk.now, afterTick: input == .tick, rules: rules, context)
            if (testRun?.totalFailureCount ?? 0) > failuresBefore { return }  // one broken step says enough

            if step % 97 == 96 {
                // A restart in the middle of the run: same state, same next deadline, and the run goes on from it.
                let snapshot = desk.center.snapshot
                let deadline = desk.center.nextDeadline()
                desk.center = CallCenter(settings: desk.center.settings, restoring: snapshot)
                XCTAssertEqual(desk.center.snapshot, snapshot, "restore changed the state: \(context)")
                XCTAssertEqual(desk.center.nextDeadline(), deadline, "restore moved the next deadline: \(context)")
                checkInvariants(&desk.center, now: desk.now, afterTick: false, rules: rules, "\(context) after restore")
            }
        }
        XCTAssertGreaterThan(accepted, steps / 3, "seed \(seed): too few inputs accepted to mean much")
        XCTAssertGreaterThan(refused, steps / 20, "seed \(seed): too few refused inputs")
    }

    // MARK: - Inputs

    private func randomInput(_ cc: CallCenter, _ rng: inout XorShift64, _ nextCall: inout Int, rules: Bool) -> Input {
        let live = cc.calls.values.sorted { $0.ticket < $1.ticket }
        let ringing = live.filter { $0.state == .ringing }
        let loggedIn = agentIDs.filter { cc.agents[$0]?.state.isLoggedIn ?? false }
        let loggedOut = agentIDs.filter { !loggedIn.contains($0) }
        func anyAgent() -> AgentID { agentIDs.randomElement(using: &rng)! }
        func anyCall() -> CallID { live.randomElement(using: &rng)?.id ?? "ghost" }
        /// Mostly a fitting agent from `preferred`, sometimes any (to provoke refusals).
        func agent(from preferred: [AgentID]) -> AgentID {
            Int.random(in: 0..<5, using: &rng) > 0 ? preferred.randomElement(using: &rng) ?? anyAgent() : anyAgent()
        }

        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<13:
            let queue: QueueID? = Int.random(in: 0..<30, using: &rng) == 0
                ? "nope" : [nil, "general", "billing", "vip"].randomElement(using: &rng)!
            defer { nextCall += 1 }
            var attributes: [String: String] = [:]
            if rules {
                attributes["tier"] = ["high_value", "potential", "stable", "risk", nil].randomElement(using: &rng)!
                attributes["language"] = ["yue", "zh", nil, nil].randomElement(using: &rng)!
                if Int.random(in: 0..<5, using: &rng) == 0 { attributes["account_manager"] = anyAgent() }
            }
            return .offerCall(call: "c\(nextCall)", from: "+86\(nextCall)", to: "400", queue: queue, attributes: attributes)
        case 13..<15:
            return .offerCall(call: anyCall(), from: "+860", to: "400", queue: nil, attributes: [:])
        case 15..<35:
            if let call = ringing.randomElement(using: &rng), let agent = call.agent, Int.random(in: 0..<6, using: &rng) > 0 {
                return .callAnswered(call: call.id, agent: agent)
            }
            return .callAnswered(call: anyCall(), agent: anyAgent())
        case 35..<40:
            if let call = ringing.randomElement(using: &rng), let agent = call.agent, Int.random(in: 0..<4, using: &rng) > 0 {
                return .callNoAnswer(call: call.id, agent: agent)
            }
            return .callNoAnswer(call: anyCall(), agent: anyAgent())
        case 40..<52:
            let connected = live.filter { $0.state == .connected }
            let call = Int.random(in: 0..<20, using: &rng) == 0 ? "ghost"
                : Bool.random(using: &rng) ? connected.randomElement(using: &rng)?.id ?? anyCall() : anyCall()
            return .callHangup(call: call,
                               by: HangupSide.allCases.randomElement(using: &rng)!, cause: nil)
        case 52..<58:
            let target: TransferTarget = Bool.random(using: &rng)
                ? .queue((queueIDs + ["nope"]).randomElement(using: &rng)!) : .agent(anyAgent())
            return .callTransfer(call: anyCall(), target: target)
        case 58..<66:
            let seat = Int.random(in: 0..<3, using: &rng) > 0 ? nil : "s-a\(Int.random(in: 1...7, using: &rng))"
            return .agentLogin(agent: agent(from: loggedOut), seat: seat)
        case 66..<69:
            return .agentLogout(agent: agent(from: loggedIn))
        case 69..<84:
            let state: AgentState = Int.random(in: 0..<10, using: &rng) < 7 ? .ready
                : (Int.random(in: 0..<8, using: &rng) == 0 ? .busy : .notReady)
            return .agentSetState(agent: agent(from: loggedIn), state: state, reason: state == .notReady ? "break" : nil)
        case 84..<96:
            return .tick
        case 96..<98:
            var skills: [String: Int] = [:]
            for skill in skillNames where Bool.random(using: &rng) { skills[skill] = Int.random(in: 0...10, using: &rng) }
            return .upsertAgent(profile(anyAgent(), skills: skills), tokenHash: nil)
        default:
            let id = queueIDs.randomElement(using: &rng)!
            var config = cc.queues[id]?.config ?? QueueConfig(id: id)
            config.skills = [:]
            for skill in skillNames where Bool.random(using: &rng) { config.skills[skill] = Int.random(in: 1...9, using: &rng) }
            config.wrapUp = Double(Int.random(in: 0...6, using: &rng))
            return .upsertQueue(config)
        }
    }

    // MARK: - Invariants

    private func checkInvariants(_ cc: inout CallCenter, now: Instant, afterTick: Bool, rules: Bool, _ context: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        let calls = cc.calls.values.sorted { $0.ticket < $1.ticket }

        // Every ringing / connected call's agent is ringing / busy with that call, and no agent holds two calls.
        var holder: [AgentID: CallID] = [:]
        for call in calls where call.state == .ringing || call.state == .connected {
            guard let agentID = call.agent, let agent = cc.agents[agentID] else {
                XCTFail("call \(call.id) is \(call.state) without an agent: \(context)", file: file, line: line)
                continue
            }
            if let other = holder[agentID] {
                XCTFail("agent \(agentID) holds calls \(other) and \(call.id): \(context)", file: file, line: line)
            }
            holder[agentID] = call.id
            let expected: AgentState = call.state == .ringing ? .ringing : .busy
            XCTAssertEqual(agent.state, expected, "agent of \(call.state) call \(call.id): \(context)", file: file, line: line)
            XCTAssertEqual(agent.call, call.id, "agent \(agentID)'s call: \(context)", file: file, line: line)
        }
        for agent in cc.agents.values.sorted(by: { $0.id < $1.id }) {
            if agent.state == .ringing || agent.state == .busy {
                XCTAssertEqual(holder[agent.id], agent.call, "\(agent.state) agent \(agent.id) has no matching call: \(context)", file: file, line: line)
                XCTAssertNotNil(agent.call, "\(agent.state) agent \(agent.id) without a call: \(context)", file: file, line: line)
            } else {
                XCTAssertNil(agent.call, "\(agent.state) agent \(agent.id) still holds \(agent.call ?? ""): \(context)", file: file, line: line)
            }
            XCTAssertEqual(agent.state == .wrapUp, agent.wrapUp != nil, "agent \(agent.id) wrap-up record: \(context)", file: file, line: line)
        }

        // waitingCount is the number of queued calls, per queue; queued calls have no agent.
        let queued = Dictionary(grouping: calls.filter { $0.state == .queued }, by: \.queue)
        for queue in cc.queues.keys.sorted() {
            XCTAssertEqual(cc.waitingCount(in: queue), queued[queue]?.count ?? 0, "waiting count of \(queue): \(context)", file: file, line: line)
        }
        XCTAssertEqual(cc.waitingCount, calls.filter { $0.state == .queued }.count, "total waiting count: \(context)", file: file, line: line)
        for call in calls where call.state == .queued {
            XCTAssertNil(call.agent, "queued call \(call.id) has an agent: \(context)", file: file, line: line)
        }

        // The core routes at once: no ready agent may take a call that waits. (Holds and
        // overflow steps change eligibility with time: judge only once no deadline is overdue.)
        let caughtUp = cc.nextDeadline().map { $0 > now } ?? true
        for agent in cc.agents.values.sorted(by: { $0.id < $1.id }) where agent.state == .ready {
            if rules {
                guard caughtUp else { break }
                let takeable = calls.filter { $0.state == .queued && cc.isEligible(agent, for: $0, now: now) }.map(\.id)
                XCTAssertEqual(takeable, [], "ready agent \(agent.id) is idle while it may take these: \(context)", file: file, line: line)
                continue
            }
            for (queue, waiting) in queued.sorted(by: { $0.key < $1.key }) where !waiting.isEmpty {
                guard let config = cc.queues[queue]?.config else { continue }
                XCTAssertFalse(agent.hasSkills(config.skills),
                               "ready agent \(agent.id) is idle while \(waiting.map(\.id)) wait in \(queue): \(context)",
                               file: file, line: line)
            }
        }

        // agentCounts agrees with the agents' states.
        var counts: [AgentState: Int] = [:]
        for agent in cc.agents.values { counts[agent.state, default: 0] += 1 }
        XCTAssertEqual(cc.agentCounts.filter { $0.value != 0 }, counts, "agent counts: \(context)", file: file, line: line)

        // Every ring and wrap-up has a deadline pending; after a tick none is overdue.
        let next = cc.nextDeadline()
        for call in calls where call.state == .ringing {
            guard let ringingAt = call.ringingAt, let timeout = cc.queues[call.queue]?.config.ringTimeout else { continue }
            XCTAssertLessThanOrEqual(next ?? .init(milliseconds: .max), ringingAt.adding(seconds: timeout),
                                     "ringing call \(call.id) has no deadline: \(context)", file: file, line: line)
        }
        for agent in cc.agents.values where agent.state == .wrapUp {
            guard let until = agent.wrapUp?.until else { continue }
            XCTAssertLessThanOrEqual(next ?? .init(milliseconds: .max), until,
                                     "wrap-up of \(agent.id) has no deadline: \(context)", file: file, line: line)
        }
        if afterTick, let next {
            XCTAssertGreaterThan(next, now, "a deadline is overdue after a tick: \(context)", file: file, line: line)
        }
    }
}
