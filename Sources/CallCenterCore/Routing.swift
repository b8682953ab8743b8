/// Which agent takes which call (ACD).
///
/// A waiting call is offered, in order:
/// 1. to its **account manager** if ready; if the manager is busy (ringing,
///    on a call or wrapping up) the call waits for them up to the queue's
///    `manager_wait`, and only then goes to anyone eligible;
/// 2. to the agent who **last served the caller** (the customer, else the
///    number), if ready (when enabled);
/// 3. to an eligible agent who **speaks the caller's language**, if any is ready;
/// 4. else to one who speaks the language it **falls back to** (`yue` → `zh`);
/// 5. else to any eligible agent;
/// choosing among candidates by the queue's **strategy** (ties: longest idle, then agent id).
///
/// Eligible: the queue's skills at their minimum levels (or the levels an overflow
/// step relaxed them to, or another queue's an overflow step added), and the
/// caller's tier among the tiers the agent may serve.
///
/// Waiting calls are served by effective priority (tier weight plus aging),
/// FIFO among equals; see `WaitingLine`.
extension CallCenter {
    // MARK: - Eligibility

    /// Whether `agent` may take `call` (ignoring whether the agent is ready).
    func isEligible(_ agent: Agent, for call: Call, now: Instant) -> Bool {
        if let until = call.holdUntil, until > now, call.accountManager != agent.id { return false }
        if !servesTier(agent, of: call) { return false }
        if let relaxed = call.relaxedSkills, agent.hasSkills(relaxed) { return true }
        if let queue = queues[call.queue], agent.hasSkills(queue.config.skills) { return true }
        for extra in call.extraQueues {
            if let queue = queues[extra], agent.hasSkills(queue.config.skills) { return true }
        }
        return false
    }

    /// The queues whose skills `agent` has, cached until agents or queues change.
    mutating func servedQueues(_ agentID: AgentID) -> [QueueID] {
        if let cached = servedCache[agentID] { return cached }
        guard let agent = agents[agentID] else { return [] }
        let queues = served(by: agent)
        servedCache[agentID] = queues
        return queues
    }

    /// The queues whose skills `agent` has, computed.
    func served(by agent: Agent) -> [QueueID] {
        queues.keys.filter { servesQueue(agent, $0) }.sorted()
    }

    /// Whether `agent` may take calls of `queue` at all (skills only).
    func servesQueue(_ agent: Agent, _ queue: QueueID) -> Bool {
        guard let config = queues[queue]?.config else { return false }
        return agent.hasSkills(config.skills)
    }

    // MARK: - A call looking for an agent

    /// The agent a waiting call should ring now, and why; nil when nobody eligible is ready.
    func chooseAgent(for call: Call, now: Instant) -> (agent: AgentID, reason: String)? {
        if let manager = call.accountManager, let agent = agents[manager], agent.state == .ready, isEligible(agent, for: call, now: now) {
            return (manager, "account_manager \(manager)")
        }
        if settings.routing.preferLastAgent, let last = lastAgentByCaller[call.callerKey],
           now.seconds(since: last.at) <= LastService.memorySeconds, let agent = agents[last.agent],
           agent.state == .ready, isEligible(agent, for: call, now: now) {
            return (last.agent, "last_agent \(last.agent)")
        }
        // Held for the account manager (not ready, or they would have it): nobody else may take it yet.
        if let until = call.holdUntil, until > now { return nil }
        let strategy = queues[call.queue]?.config.strategy ?? .longestIdle
        if strategy == .random || call.relaxedSkills != nil || !call.extraQueues.isEmpty {
            return chooseByScan(for: call, strategy: strategy, now: now)
        }
        return chooseInOrder(for: call, strategy: strategy)
    }

    /// The first agent of the queue's ready line who may serve the caller's tier,
    /// preferring the first who speaks the caller's language, then the first who
    /// speaks the language it falls back to (`LanguageWanted`). Stops once it has
    /// the choice and five names for the reason, so its cost does not grow with
    /// the number of ready agents (unless nobody ready speaks the language).
    func chooseInOrder(for call: Call, strategy: RoutingStrategy) -> (agent: AgentID, reason: String)? {
        guard let line = readyLines[call.queue], !line.isEmpty else { return nil }
        let start = strategy == .roundRobin ? line.startAfter(queues[call.queue]?.lastRouted ?? "") : 0
        let wanted = languageWanted(for: call)
        var choice = LanguageChoice()
        var names: [AgentID] = []
        names.reserveCapacity(5)
        var more = false  // more agents may be eligible than the names given
        var eligible = 0
        let tier = call.tier  // once: it reads the caller's summary out of its box
        for offset in 0..<line.count {
            let entry = line[(start + offset) % line.count]
            let id = entry.id
            // Serves the tier, and how well it speaks: read in the entry's
            // profile, without looking the agent up or copying it.
            guard Self.serves(entry.profile.profile.tiers, tier: tier) else { continue }
            let fit = wanted?.fit(entry.profile.profile.languages) ?? .neither
            eligible += 1
            if names.count < 5 { names.append(id) }
            choice.consider(id, fit)
            if names.count == 5 && (wanted == nil || choice.speaker != nil) {
                more = offset < line.count - 1
                break
            }
        }
        guard !names.isEmpty else { return nil }
        if eligible > names.count { more = true }  // read to the end (looking for a speaker) past the five named
        return reason(strategy, wanted: wanted, choice: choice, ready: line.count, names: names, more: more)
    }

    /// One pass over every candidate: for the random strategy (no fixed order) and
    /// for overflowed calls (relaxed skills or other queues' agents).
    func chooseByScan(for call: Call, strategy: RoutingStrategy, now: Instant) -> (agent: AgentID, reason: String)? {
        let order = StrategyOrder(strategy, call: call, queue: queues[call.queue])
        let wanted = languageWanted(for: call)
        var top: [StrategyOrder.Key] = []  // the first five eligible agents, in order
        var bestSpeaker: StrategyOrder.Key?, bestRelated: (key: StrategyOrder.Key, rank: Int)?
        var eligible = 0
        let candidates = call.relaxedSkills == nil && call.extraQueues.isEmpty ? nil : readyAgents
        func consider(_ id: AgentID) {
            guard let agent = agents[id], isEligible(agent, for: call, now: now) else { return }
            let key = order.key(agent)
            eligible += 1
            if top.count < 5 || order.precedes(key, top[top.count - 1]) {
                let at = top.firstIndex { order.precedes(key, $0) } ?? top.count
                top.insert(key, at: at)
                if top.count > 5 { top.removeLast() }
            }
            switch wanted?.fit(agent.profile.languages) {
            case .speaks?:
                if bestSpeaker.map({ order.precedes(key, $0) }) ?? true { bestSpeaker = key }
            case let .fallback(rank)?:
                if bestRelated.map({ rank < $0.rank || (rank == $0.rank && order.precedes(key, $0.key)) }) ?? true { bestRelated = (key, rank) }
            case .neither?, nil:
                break
            }
        }
        if let candidates {
            for id in candidates { consider(id) }
        } else if let line = readyLines[call.queue] {
            for entry in line.entries { consider(entry.id) }
        }
        guard !top.isEmpty else { return nil }
        let choice = LanguageChoice(speaker: bestSpeaker?.id, related: bestRelated.map { ($0.key.id, $0.rank) })
        return reason(strategy, wanted: wanted, choice: choice, ready: eligible, names: top.map(\.id), more: eligible > top.count)
    }

    /// The caller's language and its fallback, when the call has a language.
    func languageWanted(for call: Call) -> LanguageWanted? {
        call.language.map { LanguageWanted(language: $0, fallbacks: settings.routing.fallbacks(of: $0)) }
    }

    /// Whether the caller's tier is one `agent` may serve (skills and holds aside).
    func servesTier(_ agent: Agent, of call: Call) -> Bool {
        Self.serves(agent.profile.tiers, tier: call.tier)
    }

    /// Whether an agent for the customer tiers `tiers` (none: every caller) may
    /// take a caller of `tier` (read only when needed).
    static func serves(_ tiers: [CustomerTier], tier: @autoclosure () -> CustomerTier?) -> Bool {
        if tiers.isEmpty { return true }
        guard let tier = tier() else { return false }
        return tiers.contains(tier)
    }

    /// The choice and why: "longest_idle among 12 ready [a3,a7,a1,a9,a4,…]; speaks yue",
    /// naming the first eligible agents in the order the strategy serves them
    /// ("…": more may be eligible). Written as UTF-8 bytes and made a String
    /// once: interpolation, `joined` and even `String.append` cost several
    /// thousand instructions a decision (callgrind on routing-bench).
    private func reason(_ strategy: RoutingStrategy, wanted: LanguageWanted?, choice: LanguageChoice, ready: Int, names: [AgentID], more: Bool)
        -> (agent: AgentID, reason: String) {
        var text: [UInt8] = []
        text.reserveCapacity(64 + names.count * 8)
        text += strategy.rawValue.utf8
        text += " among ".utf8
        text += String(ready).utf8
        text += " ready [".utf8
        for (i, name) in names.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ",")) }
            text += name.utf8
        }
        text += more ? ",…]".utf8 : "]".utf8
        var agent = names[0]  // the first eligible agent in the strategy's order
        if let wanted {
            if let speaker = choice.speaker {
                text += "; speaks ".utf8
                text += wanted.language.utf8
                agent = speaker
            } else {
                text += "; no ready ".utf8
                text += wanted.language.utf8
                if let related = choice.related {
                    text += " speaker, speaks ".utf8
                    text += wanted.fallbacks[related.rank - 1].utf8
                    agent = related.id
                } else {
                    for (i, fallback) in wanted.fallbacks.enumerated() {
                        text += (i == wanted.fallbacks.count - 1 ? " or " : ", ").utf8
                        text += fallback.utf8
                    }
                    text += " speaker".utf8
                }
            }
        }
        return (agent, String(decoding: text, as: UTF8.self))
    }

    /// The queue strategy's choice; ties go to the agent idle longest, then the lower id.
    func pick(_ strategy: RoutingStrategy, among candidates: [Agent], for call: Call) -> Agent {
        let order = StrategyOrder(strategy, call: call, queue: queues[call.queue])
        var best = candidates[0], bestKey = order.key(candidates[0])
        for agent in candidates.dropFirst() {
            let key = order.key(agent)
            if order.precedes(key, bestKey) { best = agent; bestKey = key }
        }
        return best
    }

    /// A reproducible pseudo-random number from a call and an agent (FNV-1a, then a mixer).
    static func mix(_ serial: UInt64, _ agent: AgentID) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ serial
        for byte in agent.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// After a queue's settings changed (new skills may let ready agents take its
    /// calls): each call in its line, in their order, gets the agent the queue's
    /// strategy and the caller's language choose, as an arriving call does.
    mutating func rebalance(_ queue: QueueID, now: Instant) {
        guard let line = lines[queue], !readyAgents.isEmpty else { return }
        let isLive = isWaiting(in: queue)
        for entry in line.liveEntries(isLive: { isLive($0) }) {
            if readyAgents.isEmpty { break }
            place(entry.call, now: now)
        }
    }

    /// Tries to place one waiting call now.
    mutating func place(_ id: CallID, now: Instant) {
        guard routesTaken, let call = calls[id], call.state == .queued, let (agent, reason) = chooseAgent(for: call, now: now) else { return }
        ring(id, on: agent, reason: reason, now: now)
    }

    // MARK: - An agent looking for a call

    /// Gives a ready agent the best waiting call it may take, if any (`nextCall`).
    mutating func offerWork(to agentID: AgentID, now: Instant) {
        guard routesTaken, agents[agentID]?.state == .ready else { return }
        if heldFor[agentID] != nil {
            let live = liveHeldCalls(for: agentID, now: now).map(\.id)
            heldFor[agentID] = live.isEmpty ? nil : live
        }
        guard let (call, reason) = nextCall(for: agentID, now: now) else { return }
        ring(call, on: agentID, reason: reason, now: now)
    }

    /// The waiting call `agentID` would be offered now, and why, if the agent were
    /// ready: first a call held for it as account manager, then the best call of
    /// every line it serves (or an overflowed call its skills now reach). The
    /// decision alone: it changes nothing.
    public func nextCall(for agentID: AgentID, now: Instant) -> (call: CallID, reason: String)? {
        guard let agent = agents[agentID] else { return nil }
        if let best = liveHeldCalls(for: agentID, now: now).min(by: { lineEntry(for: $0).precedes(lineEntry(for: $1)) }) {
            return (best.id, "account_manager \(agentID) (held call)")
        }
        // The best call and the line it came from (nil: an overflowed call with relaxed skills).
        var best: (entry: WaitingLine.Entry, queue: QueueID?)?
        for queue in servedCache[agentID] ?? served(by: agent) {
            guard let entry = firstCall(in: queue, for: agent, now: now) else { continue }
            if best == nil || entry.precedes(best!.entry) { best = (entry, queue) }
        }
        for id in relaxedCalls {
            guard let call = calls[id], call.state == .queued, isEligible(agent, for: call, now: now) else { continue }
            let entry = lineEntry(for: call)
            if best == nil || entry.precedes(best!.entry) { best = (entry, nil) }
        }
        guard let best else { return nil }
        return (best.entry.call, best.queue.map { "first in line of " + $0 + " (priority, then arrival)" } ?? "overflow: relaxed skills")
    }

    /// The calls still waiting and still held for `agentID` as their account manager.
    func liveHeldCalls(for agentID: AgentID, now: Instant) -> [Call] {
        guard let held = heldFor[agentID] else { return [] }
        return held.compactMap { calls[$0] }.filter { $0.state == .queued && $0.holdUntil.map { $0 > now } == true }
    }

    /// The first call of `queue`'s line that `agent`, who serves `queue`, may take.
    /// (Stale entries are dropped from the front as calls leave, see `markLeft`, so
    /// the first live entry is usually the first.)
    func firstCall(in queue: QueueID, for agent: Agent, now: Instant) -> WaitingLine.Entry? {
        guard let line = lines[queue] else { return nil }
        let isLive = isWaiting(in: queue)
        for entry in line.entries where isLive(entry) && mayTake(entry, agent, now: now) { return entry }
        return nil
    }

    /// `isEligible` for a call waiting in the line of a queue `agent` serves: that
    /// queue's skills (the call's own or an overflow queue's) are the agent's, so
    /// only holds and tiers remain to check. Reads the call in place.
    private func mayTake(_ entry: WaitingLine.Entry, _ agent: Agent, now: Instant) -> Bool {
        calls.read(entry.call) { call in
            if let until = call.holdUntil, until > now, call.accountManager != agent.id { return false }
            return servesTier(agent, of: call)
        } ?? false
    }

    // MARK: - Deadlines

    /// Fires every deadline due at `now`: ring timeouts, wrap-up ends, holds, overflow, maximum waits.
    mutating func fireDeadlines(now: Instant) {
        while let top = deadlines.min, top.at <= now {
            deadlines.removeMin()
            guard isLive(top) else { continue }
            switch top.kind {
            case let .ringTimeout(call, _):
                if let c = calls[call], let agentID = c.agent, let agent = agents[agentID] {
                    effects.append(.cancelRoute(call: call, agent: agentID, seat: agent.seat, reason: "ring_timeout"))
                }
                unanswered(call, reason: "ring_timeout", now: now, due: top.at)
            case let .wrapUpEnd(agentID):
                guard var agent = agents[agentID] else { continue }
                endWrapUp(&agent, now: now, due: top.at)
            case let .holdEnd(call, _):
                calls[call]?.holdUntil = nil
                touch(call)
                if let c = calls[call], let manager = c.accountManager { heldFor[manager]?.removeAll { $0 == call } }
                place(call, now: now)
            case let .overflow(call, _, stage):
                applyOverflow(call, stage: stage, now: now)
            case let .maxWait(call, _):
                timeOut(call, reason: "max_wait", now: now, due: top.at)
            case let .noAgent(queue):
                timeOutUnstaffed(queue, now: now)
            case let .complaintDue(complaint):
                complaintDue(complaint, now: now)
            case .announce:
                announceNext = nil
                announcePositions(now: now)
                armAnnouncements(now: now)
            }
        }
    }

    /// Applies overflow step `stage` to a waiting call and (unless `placing` is
    /// false) tries to place it.
    mutating func applyOverflow(_ id: CallID, stage: Int, placing: Bool = true, now: Instant) {
        guard var call = calls[id], let queue = queues[call.queue]?.config, stage < queue.overflow.count else { return }
        let step = queue.overflow[stage]
        call.overflowStage = stage + 1
        if let relaxed = step.relaxSkills {
            call.relaxedSkills = Self.relaxing(call.relaxedSkills ?? queue.skills, to: relaxed)
            relaxedCalls.insert(id)
        }
        if let extra = step.addQueue, extra != call.queue, queues[extra] != nil, !call.extraQueues.contains(extra) {
            call.extraQueues.append(extra)
            lines[extra, default: WaitingLine()].insert(lineEntry(for: call))
        }
        calls[id] = call
        touch(id)
        publish("call.overflow", id, reason: "step \(stage + 1)")
        if placing { place(id, now: now) }
    }

    /// Skill minimums after a relax step: each skill it names drops to its level
    /// (never rises), the others stay; an empty step (`{}`) asks for no skills.
    static func relaxing(_ minimums: [String: Int], to step: [String: Int]) -> [String: Int] {
        guard !step.isEmpty else { return [:] }
        var out = minimums
        for (skill, level) in step where (out[skill] ?? 0) > level { out[skill] = level }
        return out
    }

    /// The line entry of a call: its effective priority and ticket.
    func lineEntry(for call: Call) -> WaitingLine.Entry {
        let queuedSeconds = Double(call.queuedAt.milliseconds) / 1000
        return WaitingLine.Entry(key: Double(call.priority) - settings.routing.agingPerSecond * queuedSeconds, ticket: call.ticket, call: call.id,
                                 stamp: lineStamps[call.id] ?? 0)
    }
}
