@testable import CallCenterCore
import PropertyBased
import Testing

/// Thousands of random event sequences through the routing engine, with the
/// invariants checked after every step.
@Suite struct RoutingInvariantTests {
    /// No agent holds two calls, no call rings two agents, no eligible agent idles
    /// while a call it may take waits (outside account-manager holds), FIFO within
    /// equal effective priority, and waiting calls get routed once agents are ready.
    @Test func invariantsHoldForRandomEventSequences() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 40...160)) { steps in
            var world = World(variant: steps.first ?? 0)
            for (index, step) in steps.enumerated() {
                world.perform(step)
                if let violation = world.violation() {
                    Issue.record("after step \(index) (\(world.lastAction)): \(violation)")
                    return
                }
            }
            // Drain: everyone ready, time passes; no call may be left waiting.
            world.makeEveryoneReady()
            if let violation = world.violation() { Issue.record("after draining: \(violation)") }
        }
    }
}

/// A small call center driven by numbers.
struct World {
    var center: CallCenter
    var now = Instant(milliseconds: 1_700_000_000_000)
    var nextCall = 1
    /// Set when an offer rang another agent than `agentForArrival` chose for it.
    var arrivalMismatch: String?
    /// Each leg's holds as the steps made them (call#leg → the hold in progress, the time of the ended ones).
    var holds: [String: (since: Instant?, total: Double)] = [:]
    /// Set when a removed agent's id was given out again, or a seat's agent went missing.
    var reuseMismatch: String?
    var lastAction = ""
    /// Set when a ring started while no PBX could ring the seat.
    var ringWithoutPBX: String?
    /// The eight seats' agents; one who leaves (`agent.remove`) is replaced by a
    /// newcomer under a new id (`a3` → `a3.1`), as ids are not given out again.
    var agents = (1...8).map { "a\($0)" }
    var replacements = 0
    let queues = ["general", "billing", "vip"]
    /// vip's `max_wait_no_agent` in this run (nil: unset), and a model of since
    /// when nobody has staffed each queue, kept from the agents' states after each step.
    let noAgentWait: Double?
    var unstaffedSince: [QueueID: Instant] = [:]
    /// Set when a tick timed a call out for want of agents wrongly, or left one waiting past its time.
    var noAgentMismatch: String?

    /// `variant` picks the routing options a run exercises: prefer_last_agent on
    /// or off, and whether a harassing number goes to a queue or is only alerted.
    init(variant: Int = 0) {
        var policy = RoutingPolicy()
        policy.agingPerSecond = 0.5
        policy.preferLastAgent = variant % 2 == 0
        policy.flags = ["threat": .reject, "harassment": variant % 3 == 0 ? .alert : .queue("billing")]
        policy.intents = ["bill": "billing"]
        center = CallCenter(settings: .init(routing: policy))
        noAgentWait = (variant / 6) % 2 == 0 ? 30 : nil
        let configs = [
            QueueConfig(id: "general", wrapUp: 5, ringTimeout: 15),
            QueueConfig(id: "billing", skills: ["billing": 3], wrapUp: 0, ringTimeout: 10, maxWait: 200, maxAttempts: 3,
                        overflow: [OverflowStep(after: 30, addQueue: "general")]),
            QueueConfig(id: "vip", skills: ["vip": 5], strategy: .mostSkilled, wrapUp: 10, ringTimeout: 12, managerWait: 20,
                        overflow: [OverflowStep(after: 40, relaxSkills: ["vip": 1])]
                            + (noAgentWait == nil ? [] : [OverflowStep(after: 20, addQueue: "general")]),
                        maxWaitNoAgent: noAgentWait),
        ]
        for config in configs { _ = center.apply(.upsertQueue(config), at: now) }
        for id in agents { _ = center.apply(.upsertAgent(Self.profile(id), tokenHash: nil), at: now) }
        watchStaffing()
    }

    /// The profile of seat 1…8's agent as the run starts (and of a newcomer at the seat).
    static func profile(_ id: AgentID) -> AgentProfile {
        let i = Int(id.dropFirst().prefix { $0.isNumber })! - 1
        var skills: [String: Int] = [:]
        if i % 2 == 0 { skills["billing"] = 3 + i % 5 }
        if i % 3 == 0 { skills["vip"] = 4 + i % 4 }
        // Speakers of the dialect, of its fallback only, and of neither.
        let languages = [["yue", "zh"], ["zh"], ["en"], ["yue"]][i % 4]
        let tiers: [CustomerTier] = i == 7 ? [.highValue] : []
        return AgentProfile(id: id, name: id, seat: "20\(i)", skills: skills, languages: languages, tiers: tiers)
    }

    mutating func perform(_ step: Int) {
        let ringingBefore = Set(center.calls.values.filter { $0.state == .ringing }.map(\.id))
        defer {
            let started = center.calls.values.filter { $0.state == .ringing && !ringingBefore.contains($0.id) }
            if !center.routesTaken, let call = started.first { ringWithoutPBX = "\(call.id) started to ring on \(call.agent ?? "?") with no PBX" }
        }
        let pick = step / 16
        switch step % 16 {
        case 0, 1, 2:
            let id = "c\(nextCall)"
            nextCall += 1
            // Each property of the call from its own digits of the step, so that
            // tier, manager, queue, language and flags vary independently.
            var digits = pick
            func next(_ n: Int) -> Int { defer { digits /= n }; return digits % n }
            let tier = [CustomerTier.highValue, .potential, .stable, .risk, nil][next(5)]
            let manager = next(7) == 0 ? agents[next(agents.count)] : nil
            let language = ["yue", nil, "zh", "en"][next(4)]
            let flags = [[], [], [], [], ["harassment"], ["threat"]][next(6)]
            // A queue named, or the IVR intent's (billing), or the default (general).
            let queue: QueueID? = [queues[0], queues[1], queues[2], nil][next(4)]
            let attributes = queue == nil && next(2) == 0 ? ["intent": "bill"] : [:]
            let from = "138\(next(20))"  // few numbers: callers come back (prefer_last_agent)
            let caller = CallerInfo(customer: tier == nil ? nil : "C\(from)", tier: tier, accountManager: manager, language: language, flags: flags)
            lastAction = "offer \(id) to \(queue ?? attributes["intent"] ?? "the default queue") from \(from) \(flags)"
            let decided = center.agentForArrival(id, from: from, to: "400", queue: queue, attributes: attributes, caller: caller, now: now)
            _ = center.apply(.offerCall(call: id, from: from, to: "400", queue: queue, attributes: attributes, caller: caller), at: now)
            // The decision taken alone is the one the offer carried out.
            if center.calls[id]?.agent != decided?.agent || center.calls[id]?.routeReason != decided?.reason {
                arrivalMismatch = "agentForArrival chose \(decided.map { "\($0.agent) (\($0.reason))" } ?? "nobody"), the offer rang \(center.calls[id]?.agent ?? "nobody")"
            }
        case 3:
            lastAction = "login \(agents[pick % 8])"
            _ = center.apply(.agentLogin(agent: agents[pick % 8], seat: nil), at: now)
        case 4, 5:
            lastAction = "ready \(agents[pick % 8])"
            _ = center.apply(.agentSetState(agent: agents[pick % 8], state: .ready, reason: nil), at: now)
        case 6:
            lastAction = "not_ready \(agents[pick % 8])"
            _ = center.apply(.agentSetState(agent: agents[pick % 8], state: .notReady, reason: "break"), at: now)
        case 7 where pick % 4 == 3:
            // An agent leaves: logged out, then removed if nothing holds them, and
            // a newcomer joins at the seat under a new id (the old one is refused).
            let id = agents[pick % 8]
            lastAction = "logout and remove \(id)"
            _ = center.apply(.agentLogout(agent: id), at: now)
            guard case .success = center.apply(.removeAgent(agent: id), at: now) else { break }
            replacements += 1
            let newcomer = "\(id.prefix { $0 != "." }).\(replacements)"
            if case .success = center.apply(.upsertAgent(Self.profile(id), tokenHash: nil), at: now) {
                reuseMismatch = "the removed id \(id) was given out again"
            }
            agents[pick % 8] = newcomer
            lastAction += ", \(newcomer) joins"
            _ = center.apply(.upsertAgent(Self.profile(newcomer), tokenHash: nil), at: now)
        case 7 where pick % 8 == 1:
            // The PBX goes away (nothing rings while it is gone) or comes back (the lines are routed).
            lastAction = center.routesTaken ? "the PBX goes away" : "a PBX comes back"
            _ = center.apply(.routesTaken(!center.routesTaken), at: now)
        case 7:
            lastAction = "logout \(agents[pick % 8])"
            _ = center.apply(.agentLogout(agent: agents[pick % 8]), at: now)
        case 8, 9:
            let ringing = center.calls.values.filter { $0.state == .ringing }.sorted { $0.ticket < $1.ticket }
            guard !ringing.isEmpty else { return advance(1) }
            let call = ringing[pick % ringing.count]
            lastAction = "answer \(call.id)"
            _ = center.apply(.callAnswered(call: call.id, agent: call.agent!), at: now)
        case 10:
            let ringing = center.calls.values.filter { $0.state == .ringing }.sorted { $0.ticket < $1.ticket }
            guard !ringing.isEmpty else { return advance(2) }
            let call = ringing[pick % ringing.count]
            lastAction = "noanswer \(call.id)"
            _ = center.apply(.callNoAnswer(call: call.id, agent: call.agent!), at: now)
        case 11, 12:
            let live = center.calls.values.sorted { $0.ticket < $1.ticket }
            guard !live.isEmpty else { return advance(3) }
            let call = live[pick % live.count]
            lastAction = "hangup \(call.id) (\(call.state.rawValue))"
            _ = center.apply(.callHangup(call: call.id, by: pick % 2 == 0 ? .caller : .agent, cause: nil), at: now)
        case 13 where pick % 4 == 1:
            // The PBX puts a connected caller on hold, or takes them off it.
            let connected = center.calls.values.filter { $0.state == .connected }.sorted { $0.ticket < $1.ticket }
            guard !connected.isEmpty else { return advance(2) }
            let call = connected[pick % connected.count]
            let hold = call.onHoldSince == nil
            lastAction = "\(hold ? "hold" : "unhold") \(call.id)"
            if case .success = center.apply(.callHold(call: call.id, onHold: hold), at: now) {
                let key = "\(call.id)#\(call.leg)"
                var model = holds[key] ?? (since: nil, total: 0)
                if hold { model.since = now } else if let since = model.since { model.total += now.seconds(since: since); model.since = nil }
                holds[key] = model
            }
        case 13:
            let live = center.calls.values.filter { $0.state != .ended }.sorted { $0.ticket < $1.ticket }
            guard !live.isEmpty else { return advance(4) }
            let call = live[pick % live.count]
            if pick % 5 == 0 {
                // To an agent (refused unless they are ready, and while no PBX is there).
                lastAction = "transfer \(call.id) to agent \(agents[pick % 8])"
                _ = center.apply(.callTransfer(call: call.id, target: .agent(agents[pick % 8])), at: now)
            } else {
                lastAction = "transfer \(call.id) to \(queues[pick % 3])"
                _ = center.apply(.callTransfer(call: call.id, target: .queue(queues[pick % 3])), at: now)
            }
        case 14 where pick % 3 == 1 && pick % 2 == 0:
            // The general queue changes strategy (its ready line is put in the new order).
            let strategy = [RoutingStrategy.longestIdle, .fewestCalls, .leastTalk, .mostSkilled, .roundRobin][pick % 5]
            lastAction = "general serves by \(strategy.rawValue)"
            _ = center.apply(.upsertQueue(QueueConfig(id: "general", strategy: strategy, wrapUp: 5, ringTimeout: 15)), at: now)
        case 14 where pick % 3 == 0:
            // A queue's skill minimum changes (what agents serve it changes too).
            let level = 1 + pick % 6
            lastAction = "billing needs billing \(level)"
            _ = center.apply(.upsertQueue(QueueConfig(id: "billing", skills: ["billing": level], wrapUp: 0, ringTimeout: 10, maxWait: 200,
                                                      maxAttempts: 3, overflow: [OverflowStep(after: 30, addQueue: "general")])), at: now)
        case 14:
            // An agent's skills change, whatever its state.
            let id = agents[pick % 8]
            guard var profile = center.agents[id]?.profile else {
                reuseMismatch = "agent \(id) of the seats is missing"
                return
            }
            profile.skills = pick % 2 == 0 ? ["billing": 1 + pick % 10] : ["vip": 1 + pick % 10, "billing": 1 + (pick / 7) % 10]
            lastAction = "\(id) skills \(profile.skills.sorted { $0.key < $1.key })"
            _ = center.apply(.upsertAgent(profile, tokenHash: nil), at: now)
        default:
            advance(1 + pick % 40)
        }
        watchStaffing()
    }

    mutating func advance(_ seconds: Int) {
        now = now.adding(seconds: Double(seconds))
        lastAction = "tick +\(seconds)s"
        let before = center.calls
        let sinceBefore = unstaffedSince
        let applied = try? center.apply(.tick, at: now).get()
        watchStaffing()
        guard let wait = noAgentWait else { return }
        // Every call timed out for want of agents had waited its time with nobody to take it...
        for case let .timeout(id, queue, _, reason) in applied?.effects ?? [] where reason == "no_agent" {
            guard queue == "vip", let call = before[id], let due = noAgentDue(call, wait: wait, since: sinceBefore), due <= now else {
                noAgentMismatch = "\(id) of \(queue) timed out for no agent, not due (unstaffed: \(sinceBefore))"
                return
            }
        }
        // ...and none that had is still waiting.
        for call in center.waitingCalls(in: "vip") {
            if let due = noAgentDue(call, wait: wait, since: unstaffedSince), due <= now {
                noAgentMismatch = "\(call.id) still waits in vip, due \(due) (unstaffed: \(unstaffedSince)), now \(now)"
            }
        }
    }

    /// When a vip call times out for want of agents by the model: `wait` after the
    /// later of its queuing and the moment the last queue that may serve it (vip,
    /// those overflow added) lost its agents; nil while one has someone working.
    func noAgentDue(_ call: Call, wait: Double, since: [QueueID: Instant]) -> Instant? {
        var latest = call.queuedAt
        for queue in [call.queue] + call.extraQueues {
            guard let s = since[queue] else { return nil }
            latest = max(latest, s)
        }
        return latest.adding(seconds: wait)
    }

    /// Whether an agent with `queue`'s skills is working (ready, ringing, busy, wrap-up).
    func staffed(_ queue: QueueID) -> Bool {
        guard let skills = center.queues[queue]?.config.skills else { return false }
        return center.agents.values.contains { CallCenter.isStaffed($0.state) && $0.hasSkills(skills) }
    }

    mutating func watchStaffing() {
        for queue in queues {
            if staffed(queue) { unstaffedSince[queue] = nil } else if unstaffedSince[queue] == nil { unstaffedSince[queue] = now }
        }
    }

    mutating func makeEveryoneReady() {
        apply(.routesTaken(true))
        for _ in 0..<40 {
            for agent in agents {
                apply(.agentLogin(agent: agent, seat: nil))
                if center.agents[agent]?.state == .notReady {
                    apply(.agentSetState(agent: agent, state: .ready, reason: nil))
                }
            }
            for call in center.calls.values.filter({ $0.state == .ringing }) {
                apply(.callAnswered(call: call.id, agent: call.agent!))
            }
            for call in center.calls.values.filter({ $0.state == .connected }) {
                apply(.callHangup(call: call.id, by: .caller, cause: nil))
            }
            advance(30)
        }
    }

    /// Applies an input now and keeps the model of vip's staffing up to date.
    mutating func apply(_ input: Input) {
        _ = center.apply(input, at: now)
        watchStaffing()
    }

    /// The first broken invariant, if any.
    func violation() -> String? {
        if let arrivalMismatch { return arrivalMismatch }
        if let noAgentMismatch { return noAgentMismatch }
        if let reuseMismatch { return reuseMismatch }
        if let ringWithoutPBX { return ringWithoutPBX }
        var holder: [CallID: AgentID] = [:]
        for agent in center.agents.values {
            switch agent.state {
            case .ringing, .busy:
                guard let call = agent.call else { return "agent \(agent.id) is \(agent.state.rawValue) without a call" }
                if let other = holder[call] { return "call \(call) is held by \(other) and \(agent.id)" }
                holder[call] = agent.id
                guard let c = center.calls[call] else { return "agent \(agent.id) holds unknown call \(call)" }
                let expected: CallState = agent.state == .ringing ? .ringing : .connected
                if c.state != expected || c.agent != agent.id {
                    return "agent \(agent.id) is \(agent.state.rawValue) with \(call), but the call is \(c.state.rawValue) on \(c.agent ?? "nobody")"
                }
            default:
                if agent.call != nil { return "agent \(agent.id) is \(agent.state.rawValue) but holds \(agent.call!)" }
            }
        }
        for call in center.calls.values where call.state == .ringing || call.state == .connected {
            guard let agent = call.agent, holder[call.id] == agent else { return "call \(call.id) is \(call.state.rawValue) but no agent holds it" }
        }
        // Only a connected call is on hold, for as long as the steps held it, and its
        // talk and hold add up to its connected time.
        for call in center.calls.values {
            if call.onHoldSince != nil && call.state != .connected { return "call \(call.id) is \(call.state.rawValue) and on hold" }
            let model = holds["\(call.id)#\(call.leg)"] ?? (since: nil, total: 0)
            let expected = model.total + (model.since.map { now.seconds(since: $0) } ?? 0)
            if call.onHoldSince != model.since || abs(call.holdSeconds(now: now) - expected) > 0.001 {
                return "call \(call.id) leg \(call.leg) is held \(call.holdSeconds(now: now)) s (since \(String(describing: call.onHoldSince))), the steps held it \(expected) s"
            }
            if let answered = call.answeredAt,
               abs(call.talkSeconds(now: now) + call.holdSeconds(now: now) - now.seconds(since: answered)) > 0.001 {
                return "call \(call.id): talk \(call.talkSeconds(now: now)) + hold \(call.holdSeconds(now: now)) is not its connected time"
            }
        }
        // Nobody eligible idles while a call it may take waits (holds aside), while a
        // PBX is there to ring the seat; without one, nothing starts to ring.
        let waiting = center.calls.values.filter { $0.state == .queued }
        for agent in center.agents.values where agent.state == .ready && center.routesTaken {
            for call in waiting where center.isEligible(agent, for: call, now: now) {
                return "agent \(agent.id) is ready while \(call.id) (\(call.queue)) waits for it"
            }
        }
        // The ready lines routing takes agents from are exactly the ready agents with
        // each queue's skills, in the order of the queue's strategy, with current keys.
        for (id, queue) in center.queues {
            let config = queue.config
            let expected = center.agents.values.filter { $0.state == .ready && $0.hasSkills(config.skills) }
                .map { ReadyLine.Entry($0, strategy: config.strategy, skills: config.skills) }
                .sorted { $0.precedes($1) }
            let actual = center.readyLines[id]?.entries ?? []
            if actual != expected {
                return "ready line of \(id) is \(actual.map(\.id)), expected \(expected.map(\.id)) (\(config.strategy.rawValue))"
            }
        }
        // A restart (the core rebuilt from its snapshot) has the same ready lines.
        let restored = CallCenter(settings: center.settings, restoring: center.snapshot)
        if restored.readyLines != center.readyLines {
            return "a core restored from the snapshot has other ready lines: \(restored.readyLines.mapValues { $0.entries.map(\.id) })"
        }
        // Its counts agree, and both agree with the agents (removals included).
        let recounted = Dictionary(grouping: center.agents.values, by: \.state).mapValues(\.count)
        if center.agentCounts.filter({ $0.value != 0 }) != recounted || restored.agentCounts != center.agentCounts {
            return "agent counts \(center.agentCounts), restored \(restored.agentCounts), by the agents \(recounted)"
        }
        if restored.snapshot.queues != center.snapshot.queues {
            return "a restored core has other queues (counters, last routed, unstaffed since)"
        }
        if noAgentWait != nil, center.queues["vip"]?.unstaffedSince != unstaffedSince["vip"] {
            return "vip has had nobody working since \(String(describing: center.queues["vip"]?.unstaffedSince)), by the model \(String(describing: unstaffedSince["vip"]))"
        }
        let staffed = center.staffedByQueue.dictionary.filter { $0.value != 0 }
        let restoredStaffed = restored.staffedByQueue.dictionary.filter { $0.value != 0 }
        if restoredStaffed != staffed || restored.removedAgents != center.removedAgents {
            return "a restored core staffs \(restoredStaffed) and removed \(restored.removedAgents.keys.sorted()), this one \(staffed) and \(center.removedAgents.keys.sorted())"
        }
        // Taking the first agent of a ready line chooses as weighing every ready agent
        // does, for a call of any queue, tier and language.
        for queue in queues {
            let strategy = center.queues[queue]?.config.strategy ?? .longestIdle
            for tier in [CustomerTier.highValue, .stable, nil] {
                for language in ["yue", "zh", "yue-HK", "fr", nil] {
                    var probe = Call(id: "probe", from: "1", to: "2", queue: queue, attributes: [:], ticket: 999_999, at: now)
                    probe.caller = CallerInfo(tier: tier)
                    probe.language = language
                    let ordered = center.chooseInOrder(for: probe, strategy: strategy)?.agent
                    let scanned = center.chooseByScan(for: probe, strategy: strategy, now: now)?.agent
                    if ordered != scanned {
                        return "a \(tier?.rawValue ?? "unknown") \(language ?? "any-language") call of \(queue) goes to \(ordered ?? "nobody") in line order but \(scanned ?? "nobody") by scan"
                    }
                }
            }
        }
        // Each line is in effective-priority order, FIFO among equals.
        for queue in queues {
            let line = center.waitingCalls(in: queue).map { center.lineEntry(for: $0) }
            for (a, b) in zip(line, line.dropFirst()) where b.precedes(a) {
                return "line \(queue) serves \(a.call) before \(b.call) against priority order"
            }
            let counted = center.waitingCount(in: queue)
            let actual = waiting.filter { $0.queue == queue }.count
            if counted != actual { return "queue \(queue) counts \(counted) waiting, but \(actual) calls are queued" }
        }
        return nil
    }
}
