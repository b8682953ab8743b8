/// A ring and how it ends: answered (late too), not answered, timed out.
extension CallCenter {
    mutating func answer(_ id: CallID, by agentID: AgentID, now: Instant) throws -> Outcome {
        guard var call = calls[id] else { throw CoreError.noSuchCall(id) }
        guard var agent = agents[agentID] else { throw noSuchAgent(agentID) }
        var freed: AgentID?
        if call.state != .ringing || call.agent != agentID {
            // The seat was picked up as its ring ended (ring timeout, no answer): the
            // PBX knows better. The call is theirs, wherever it has gone since.
            // Only while the agent is as that ring's end left them (not ready, no
            // answer): once they are ready again, busy or wrapping up, it is stale.
            if call.state != .connected, call.lastRang == agentID, agent.call == nil, agent.state == .notReady, agent.reason == "no_answer" {
                freed = takeBack(&call, for: &agent, now: now)
            } else if call.state != .ringing {
                throw CoreError(.invalidTransition, "call '\(id)' is \(call.state.rawValue), not ringing: only a ringing call can be answered")
            } else {
                throw CoreError(.conflict, "call '\(id)' is ringing on agent '\(call.agent ?? "?")', not '\(agentID)'")
            }
        }
        call.state = .connected
        call.answeredAt = now
        calls[id] = call
        touch(id)
        let wait = call.waitSeconds(now: now)
        let threshold = queues[call.queue]?.config.serviceLevel ?? 20
        count(in: call.queue, now: now) {
            $0.answered += 1
            $0.answeredWaitSeconds += wait
            if wait <= threshold { $0.answeredWithinThreshold += 1 }
        }
        rollAgentDay(&agent, now: now)
        agent.answeredToday += 1
        transition(&agent, to: .busy, now: now)
        publish("call.connected", id)
        if let freed { offerWork(to: freed, now: now) }
        return .call(call)
    }

    /// A late answer: the call leaves its line, or the ring on another agent is
    /// cancelled (that agent is ready again, keeping their place: returned, to be
    /// offered work once this call is connected), and it is `agent`'s.
    private mutating func takeBack(_ call: inout Call, for agent: inout Agent, now: Instant) -> AgentID? {
        var freed: AgentID?
        if call.state == .queued {
            leaveLines(call)
        } else if let other = call.agent, var rung = agents[other] {
            effects.append(.cancelRoute(call: call.id, agent: other, seat: rung.seat, reason: "answered_elsewhere"))
            transition(&rung, to: .ready, keepingIdle: rung.idleSince, now: now)
            freed = other
        }
        call.agent = agent.id
        call.ringingAt = call.ringingAt ?? now
        call.routeReason = "answered by \(agent.id) as its ring ended"
        agent.call = call.id
        return freed
    }

    mutating func noAnswer(_ id: CallID, agent agentID: AgentID, now: Instant) throws -> Outcome {
        guard let call = calls[id] else { throw CoreError.noSuchCall(id) }
        guard agents[agentID] != nil else { throw noSuchAgent(agentID) }
        guard call.state == .ringing, call.agent == agentID else {
            throw CoreError(.invalidTransition, "call '\(id)' is not ringing on agent '\(agentID)' (it is \(call.state.rawValue)\(call.agent.map { " on '\($0)'" } ?? ""))")
        }
        unanswered(id, reason: "no_answer", now: now)
        return .call(latest(id) ?? call)
    }

    /// Rings `agent`'s seat for a queued call.
    mutating func ring(_ id: CallID, on agentID: AgentID, reason: String, now: Instant) {
        guard var agent = agents[agentID], let call = calls.inPlace(id, { call -> Call in
            call.state = .ringing
            call.agent = agentID
            call.ringingAt = now
            call.routeReason = reason
            return call
        }) else { return }
        leaveLines(call)
        touch(id)
        // Round-robin goes on from the agent rung last, after a restart too (the
        // queue's row keeps it); other strategies do not keep it.
        let (timeout, moved) = queues.inPlace(call.queue) { queue -> (Double, Bool) in
            guard queue.config.strategy == .roundRobin, queue.lastRouted != agentID else { return (queue.config.ringTimeout, false) }
            queue.lastRouted = agentID
            return (queue.config.ringTimeout, true)
        } ?? (20, false)
        if moved { changes.queues.insert(call.queue) }
        agent.call = id
        transition(&agent, to: .ringing, now: now)
        deadlines.insert(Deadline(at: now.adding(seconds: timeout), kind: .ringTimeout(call: id, since: now)))
        effects.append(.route(call: id, agent: agentID, seat: agent.seat))
        effects.append(.assigned(call: id, agent: agentID))
        effects.append(.notice(.call(event: "call.ringing", call: call, reason: reason)))
    }

    /// A ringing call was not answered: the agent goes `not_ready` (reason
    /// `no_answer`) and the call goes back to its original place in line, or
    /// times out after the queue's maximum attempts.
    /// `due`: when the ring ended (a ring timeout that came due while the daemon
    /// was down ends the agent's ringing then, not at the restart).
    mutating func unanswered(_ id: CallID, reason: String, now: Instant, due: Instant? = nil) {
        guard var call = calls[id], let agentID = call.agent, var agent = agents[agentID] else { return }
        agent.call = nil
        transition(&agent, to: .notReady, reason: "no_answer", now: Instant.effective(due: due, now: now, notBefore: agent.since))
        call.state = .queued
        call.agent = nil
        call.ringingAt = nil
        call.routeReason = nil  // it names the agent who did not answer; the journal keeps it
        call.attempts += 1
        call.lastRang = agentID
        call.holdUntil = nil
        calls[id] = call
        touch(id)
        let maxAttempts = queues[call.queue]?.config.maxAttempts ?? 0
        insertInLines(call)
        publish("call.requeued", id, reason: reason)
        if maxAttempts > 0 && call.attempts >= maxAttempts {
            timeOut(id, reason: "max_attempts", now: now)
        } else if catchUpWaitLimits(call, now: now) {
            place(id, now: now)
        }
    }

    /// A call back in line after a ring: its maximum wait and overflow steps only
    /// fire while it waits, so those that came due while it rang apply now (a max
    /// wait past is a timeout), and the rest are armed again (their deadlines may
    /// have been dropped while it rang, or not restored for a ringing call).
    /// False when the call timed out.
    mutating func catchUpWaitLimits(_ call: Call, now: Instant) -> Bool {
        guard let queue = queues[call.queue]?.config else { return true }
        if let maxWait = queue.maxWait {
            let due = call.queuedAt.adding(seconds: maxWait)
            if due <= now {
                timeOut(call.id, reason: "max_wait", now: now)
                return false
            }
            deadlines.insert(Deadline(at: due, kind: .maxWait(call: call.id, leg: call.leg)))
        }
        for (stage, step) in queue.overflow.enumerated() where stage >= call.overflowStage {
            let due = call.queuedAt.adding(seconds: step.after)
            if due <= now {
                applyOverflow(call.id, stage: stage, placing: false, now: now)
            } else {
                deadlines.insert(Deadline(at: due, kind: .overflow(call: call.id, leg: call.leg, stage: stage)))
            }
        }
        return true
    }
}
