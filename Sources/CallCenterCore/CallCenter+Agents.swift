/// Agents and queues: login, logout, ready / not ready, administration.
extension CallCenter {
    /// The refusal for an agent the core does not know; a removed one is told
    /// apart, since its id cannot be created again.
    func noSuchAgent(_ id: AgentID) -> CoreError {
        guard removedAgents[id] == nil else {
            return CoreError(.notFound, "agent '\(id)' was removed (agent.remove); its id is not given out again: create the agent under another id")
        }
        return CoreError(.notFound, "agent '\(id)' is not known; create it with agent.upsert")
    }

    mutating func login(_ id: AgentID, seat: String?, now: Instant) throws -> Outcome {
        guard var agent = agents[id] else { throw noSuchAgent(id) }
        let wanted = seat ?? agent.activeSeat ?? agent.profile.seat
        if let holder = seatHolders[wanted], holder != id, agents[holder]?.state.isLoggedIn == true {
            throw CoreError(.conflict, "seat '\(wanted)' is in use by agent '\(holder)'; log that agent out or pick another seat")
        }
        if agent.state.isLoggedIn {
            // A softphone reconnecting: keep the state; move the seat only when idle.
            if seat != nil && wanted != agent.seat {
                guard agent.state != .ringing && agent.state != .busy else {
                    throw CoreError(.invalidTransition, "agent '\(id)' is \(agent.state.rawValue) on seat '\(agent.seat)': change seats after the call")
                }
                seatHolders[agent.seat] = nil
                agent.activeSeat = wanted
                seatHolders[wanted] = id
                agents[id] = agent
                changes.agents.insert(id)
                effects.append(.notice(.agent(agent)))
            }
            return .agent(agent)
        }
        agent.activeSeat = wanted
        _ = servedQueues(id)  // work out the agent's queues now, not on its first `ready`
        transition(&agent, to: .notReady, reason: "login", now: now)
        return .agent(agent)
    }

    mutating func logout(_ id: AgentID, now: Instant) throws -> Outcome {
        guard var agent = agents[id] else { throw noSuchAgent(id) }
        switch agent.state {
        case .loggedOut:
            return .agent(agent)
        case .busy:
            throw CoreError(.invalidTransition, "agent '\(id)' is on call '\(agent.call ?? "?")': finish the call before logging out")
        case .ringing:
            if let call = agent.call {
                effects.append(.cancelRoute(call: call, agent: id, seat: agent.seat, reason: "agent_logged_out"))
                unanswered(call, reason: "logged_out", now: now)
                agent = agents[id] ?? agent
            }
        case .wrapUp:
            endWrapUp(&agent, now: now, next: .loggedOut)
            return .agent(agents[id] ?? agent)
        case .ready, .notReady:
            break
        }
        transition(&agent, to: .loggedOut, now: now)
        return .agent(agent)
    }

    mutating func setState(_ id: AgentID, to state: AgentState, reason: String?, now: Instant) throws -> Outcome {
        guard var agent = agents[id] else { throw noSuchAgent(id) }
        guard state == .ready || state == .notReady else {
            throw CoreError(.badRequest, "field 'state' must be \"ready\" or \"not_ready\", not \"\(state.rawValue)\"")
        }
        switch agent.state {
        case .loggedOut:
            throw CoreError(.invalidTransition, "agent '\(id)' is logged out: log in first (agent.login)")
        case .ringing:
            throw CoreError(.invalidTransition, "agent '\(id)' has call '\(agent.call ?? "?")' ringing: answer it or let it time out first")
        case .busy:
            // Takes effect when the call and its wrap-up are over.
            agent.pendingState = state == .ready ? nil : state
            agent.pendingReason = state == .ready ? nil : reason
            agents[id] = agent
            changes.agents.insert(id)
            effects.append(.notice(.agent(agent)))
            return .agent(agent)
        case .wrapUp:
            endWrapUp(&agent, now: now, next: state, reason: reason)
            return .agent(agents[id] ?? agent)
        case .ready, .notReady:
            transition(&agent, to: state, reason: reason, now: now)
            if state == .ready { offerWork(to: id, now: now) }
            return .agent(agents[id] ?? agent)
        }
    }

    mutating func upsertAgent(_ profile: AgentProfile, tokenHash: String?, now: Instant) throws -> Outcome {
        if let bad = profile.skills.first(where: { !(1...10).contains($0.value) }) {
            throw CoreError(.badRequest, "skill '\(bad.key)' has level \(bad.value): levels go from 1 to 10")
        }
        if removedAgents[profile.id] != nil {
            throw CoreError(.conflict, "agent id '\(profile.id)' belonged to an agent who was removed (agent.remove): ids are not given out again, as the call log, complaints, audit entries and customers' account_manager still name it; choose another id")
        }
        var agent = agents[profile.id] ?? {
            stateCounts[AgentState.loggedOut.index] += 1
            return Agent(profile: profile, since: now)
        }()
        let staffed = Self.isStaffed(agent.state), ready = agent.state == .ready
        if staffed { countStaffed(profile.id, by: -1) }
        if ready { indexReady(agent, false) }
        agent.profile = profile
        agents[profile.id] = agent
        servedCache[profile.id] = nil
        if staffed { countStaffed(profile.id, by: 1) }
        if ready { indexReady(agent, true) }
        if let tokenHash { agent.tokenHash = tokenHash }
        agents[profile.id] = agent
        changes.agents.insert(profile.id)
        effects.append(.notice(.agent(agent)))
        // New skills may make a ready agent eligible for waiting calls.
        if agent.state == .ready { offerWork(to: profile.id, now: now) }
        return .agentSaved(agents[profile.id] ?? agent)
    }

    /// Removes an agent who has left, with their token. Only a logged-out agent
    /// (nothing ringing, connected or in wrap-up, no seat) holding no open
    /// complaint: such an agent is in no ready line, staffs no queue and holds no
    /// call, so removing the record is all there is to do. History keeps the id
    /// (call log, complaint steps, audit entries); a caller's last agent and a
    /// customer's account manager may still name it, and routing passes over an
    /// agent that does not exist. The id is not given out again (`removedAgents`):
    /// a new agent under it would inherit those customers and that history.
    mutating func removeAgent(_ id: AgentID, now: Instant) throws -> Outcome {
        guard let agent = agents[id] else { throw noSuchAgent(id) }
        guard agent.state == .loggedOut else {
            throw CoreError(.invalidTransition, "agent '\(id)' is \(agent.state.rawValue): log them out first (agent.logout); only a logged-out agent is removed")
        }
        let held = complaints.open.values.filter { $0.heldBy == id }.map(\.id).sorted()
        if !held.isEmpty {
            throw CoreError(.conflict, "agent '\(id)' holds open complaint\(held.count == 1 ? "" : "s") \(held.joined(separator: ", ")): hand \(held.count == 1 ? "it" : "them") to another agent first (complaint.assign)")
        }
        agents[id] = nil
        removedAgents[id] = now
        stateCounts[AgentState.loggedOut.index] -= 1
        servedCache[id] = nil
        changes.agents.insert(id)  // no longer in `agents`: the store deletes its row
        effects.append(.notice(.agentRemoved(id)))
        return .agentRemoved(id)
    }

    mutating func upsertQueue(_ config: QueueConfig, now: Instant) throws -> Outcome {
        if let bad = config.skills.first(where: { !(1...10).contains($0.value) }) {
            throw CoreError(.badRequest, "skill '\(bad.key)' has minimum level \(bad.value): levels go from 1 to 10")
        }
        if let (field, message) = config.durationProblem() {
            throw CoreError(.badRequest, "field '\(field)' \(message)")
        }
        if let loop = config.timeoutLoop(lookup: { queues[$0]?.config }) {
            throw CoreError(.badRequest, "field 'on_timeout' of queue '\(config.id)' \(QueueConfig.timeoutLoopProblem(loop))")
        }
        var queue = queues[config.id] ?? Queue(config: config, counters: QueueCounters(day: day(of: now)))
        // New skills change who serves the queue; a new strategy, the order of its ready line.
        let linesChanged = queue.config.skills != config.skills || queue.config.strategy != config.strategy || queues[config.id] == nil
        let noAgentChanged = queue.config.maxWaitNoAgent != config.maxWaitNoAgent || queue.config.overflow != config.overflow
            || queues[config.id] == nil
        // New timings apply to the calls waiting and ringing there, as after a restart.
        let timersChanged = queues[config.id] != nil && (queue.config.maxWait != config.maxWait || queue.config.overflow != config.overflow
            || queue.config.ringTimeout != config.ringTimeout)
        queue.config = config
        queues[config.id] = queue
        if timersChanged {
            for call in calls.values where call.queue == config.id { armQueueTimers(of: call) }
        }
        if linesChanged { recountStaffed() }
        if noAgentChanged { refreshNoAgentQueues(changed: config.id) }
        changes.queues.insert(config.id)
        effects.append(.notice(.queue(config.id)))
        rebalance(config.id, now: now)
        return .queue(queue)
    }

    /// Removes a queue no longer used: not the default queue, holding no live
    /// call (nor lending its agents to one by overflow), and named by no other
    /// queue's `on_timeout` or overflow step nor by the routing rules (dialled
    /// numbers, IVR intents, flag policies). Its call log stays; today's figures go.
    mutating func removeQueue(_ id: QueueID) throws -> Outcome {
        guard queues[id] != nil else { throw CoreError.noSuchQueue(id) }
        if id == settings.defaultQueue {
            throw CoreError(.conflict, "queue '\(id)' is the default queue (default_queue in the config): calls offered without a queue go there")
        }
        let live = calls.values.filter { $0.queue == id || $0.extraQueues.contains(id) }.sorted { $0.ticket < $1.ticket }
        if !live.isEmpty {
            let named = live.prefix(5).map(\.id).joined(separator: ", ") + (live.count > 5 ? ", …" : "")
            throw CoreError(.conflict, "queue '\(id)' has \(live.count) live call\(live.count == 1 ? "" : "s") (\(named)): let them end or move them (call.transfer) first")
        }
        let users = queues.values.compactMap { queue -> String? in
            guard queue.id != id else { return nil }
            var fields: [String] = []
            if queue.config.onTimeout == .queue(id) { fields.append("on_timeout") }
            if queue.config.overflow.contains(where: { $0.addQueue == id }) { fields.append("overflow") }
            return fields.isEmpty ? nil : "'\(queue.id)' (\(fields.joined(separator: ", ")))"
        }.sorted()
        if !users.isEmpty {
            throw CoreError(.conflict, "queue '\(id)' is named by queue \(users.joined(separator: ", ")): change \(users.count == 1 ? "it" : "them") first (queue.upsert)")
        }
        let routing = settings.routing
        let rules = routing.numbers.filter { $0.value == id }.keys.sorted().map { "number '\($0)'" }
            + routing.intents.filter { $0.value == id }.keys.sorted().map { "intent '\($0)'" }
            + routing.flags.filter { $0.value == .queue(id) }.keys.sorted().map { "flag '\($0)'" }
        if !rules.isEmpty {
            throw CoreError(.conflict, "queue '\(id)' is named by the routing rules ([routing] in the config: \(rules.joined(separator: ", "))): change them and reload first")
        }
        queues[id] = nil
        lines[id] = nil
        waitingByQueue[id] = nil
        noAgentNext[id] = nil
        recountStaffed()  // ready lines, staffing and the queues each agent serves, without it
        refreshNoAgentQueues()
        staffingWatched.remove(id)
        staffingChanged.removeAll { $0 == id }
        changes.queues.insert(id)  // no longer in `queues`: the store deletes its row
        effects.append(.notice(.queueRemoved(id)))
        return .queueRemoved(id)
    }
}
