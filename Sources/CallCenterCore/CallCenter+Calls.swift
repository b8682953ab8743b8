/// The call lifecycle after the offer (CallCenter+Offer.swift) and its rings (CallCenter+Rings.swift): hangup, hold, transfer.
extension CallCenter {
    mutating func hangup(_ id: CallID, by side: HangupSide, cause: String?, now: Instant) throws -> Outcome {
        guard var call = calls[id] else { throw CoreError(.notFound, "call '\(id)' is not known (it may have ended already)") }
        let before = call.state
        call.endHold(at: now)
        call.endedAt = now
        call.hangupBy = side
        call.cause = cause
        call.state = .ended
        switch before {
        case .queued, .ringing:
            call.outcome = .abandoned
            if before == .queued { leaveLines(call) }
            let wait = call.waitSeconds(now: now)
            let threshold = queues[call.queue]?.config.serviceLevel ?? 20
            let short = settings.shortAbandon
            // Abandoned, by definition, means the caller gave up.
            if side == .caller {
                count(in: call.queue, now: now) {
                    $0.abandoned += 1
                    if wait <= short { $0.shortAbandoned += 1 }
                    if wait > threshold { $0.abandonedAfterThreshold += 1 }
                }
            }
            if before == .ringing, let agentID = call.agent, var agent = agents[agentID] {
                // The caller gave up while the seat rang: the agent is free again
                // and keeps their place in the idle order.
                transition(&agent, to: .ready, keepingIdle: agent.idleSince, now: now)
            }
        case .connected:
            call.outcome = .completed
            if let agentID = call.agent {
                rememberLastAgent(agentID, of: call, now: now)
                startWrapUp(agentID, after: call, now: now)
            }
        case .ended:
            preconditionFailure("ended calls are not kept")
        }
        calls[id] = call
        publish("call.ended", id, reason: call.outcome?.rawValue)
        finish(id)
        if before == .ringing, let agentID = call.agent { offerWork(to: agentID, now: now) }
        return .call(call)
    }

    /// `call.hold` / `call.unhold`: the PBX put a connected caller on hold or took
    /// them off it. Hold time is counted apart from talk time (handle time is talk
    /// + hold + wrap-up). Repeating the current state is accepted and changes nothing
    /// (a PBX may report the same hold twice).
    mutating func setHold(_ id: CallID, _ onHold: Bool, now: Instant) throws -> Outcome {
        guard var call = calls[id] else { throw CoreError.noSuchCall(id) }
        guard call.state == .connected else {
            throw CoreError(.invalidTransition, "call '\(id)' is \(call.state.rawValue): only a connected call is put on hold or taken off it")
        }
        guard onHold != (call.onHoldSince != nil) else { return .call(call) }
        if onHold { call.onHoldSince = now } else { call.endHold(at: now) }
        calls[id] = call
        touch(id)
        publish(onHold ? "call.held" : "call.unheld", id)
        return .call(call)
    }

    /// `endedBy`: who closed the leg and why, when it was not `call.transfer` (a
    /// timeout sent on to another queue: the system, and the timeout's reason).
    /// `legStart`: when the leg ends and the next begins (a timeout that came due
    /// while the daemon was down); routing is done `now`.
    mutating func transfer(_ id: CallID, to target: TransferTarget, endedBy: (HangupSide, String)? = nil, now: Instant,
                           legStart: Instant? = nil) throws -> Outcome {
        guard let call = calls[id] else { throw CoreError.noSuchCall(id) }
        var targetQueue = call.queue
        switch target {
        case let .queue(queueID):
            guard queues[queueID] != nil else { throw CoreError.noSuchQueue(queueID) }
            targetQueue = queueID
        case let .agent(agentID):
            guard let agent = agents[agentID] else { throw noSuchAgent(agentID) }
            guard routesTaken else {
                throw CoreError(.conflict, "no PBX is connected to ring agent '\(agentID)''s seat: transfer to a queue instead")
            }
            guard agent.state == .ready else {
                throw CoreError(.conflict, "agent '\(agentID)' is \(agent.state.rawValue), not ready: transfer to a queue instead")
            }
        }
        // Close the current leg as transferred.
        var closed = call
        closed.state = .ended
        closed.outcome = .transferred
        let switched = legStart ?? now
        closed.endHold(at: switched)
        closed.endedAt = switched
        if let (side, cause) = endedBy {
            closed.hangupBy = side
            closed.cause = cause
        }
        switch call.state {
        case .queued:
            leaveLines(call)
        case .ringing:
            if let agentID = call.agent, var agent = agents[agentID] {
                effects.append(.cancelRoute(call: id, agent: agentID, seat: agent.seat, reason: "transferred"))
                transition(&agent, to: .ready, keepingIdle: agent.idleSince, now: now)
            }
        case .connected:
            if let agentID = call.agent { startWrapUp(agentID, after: closed, now: now) }
        case .ended:
            preconditionFailure("ended calls are not kept")
        }
        changes.legs.append(closed)
        effects.append(.notice(.call(event: "call.transferred", call: closed, reason: nil)))

        // The call goes on as a new leg.
        var next = call
        next.leg += 1
        next.queue = targetQueue
        next.state = .queued
        next.agent = nil
        next.queuedAt = switched
        next.ringingAt = nil
        next.answeredAt = nil
        next.onHoldSince = nil
        next.heldBefore = 0
        next.attempts = 0
        next.lastRang = nil  // a new leg: no earlier ring of it can be answered late
        next.holdUntil = nil
        next.overflowStage = 0
        next.relaxedSkills = nil
        next.extraQueues = []
        next.routeReason = nil
        next.ticket = takeTicket()
        calls[id] = next
        touch(id)
        count(in: targetQueue, now: now) { $0.offered += 1 }
        enqueue(id, now: now)
        switch target {
        case .queue:
            place(id, now: now)
        case let .agent(agentID):
            ring(id, on: agentID, reason: "transfer to \(agentID)", now: now)
        }
        if case .ringing = call.state, let agentID = call.agent { offerWork(to: agentID, now: now) }
        return .call(latest(id) ?? next)
    }

    // MARK: - Helpers

    /// A call as it is after this input: live, or as it ended (max attempts, a timeout).
    func latest(_ id: CallID) -> Call? {
        calls[id] ?? changes.legs.last { $0.id == id }
    }

    mutating func takeTicket() -> UInt64 {
        defer { nextTicket += 1 }
        return nextTicket
    }

    /// A waiting call reached its queue's limit: tell the PBX, then end the call
    /// (voicemail, callback) or move it to another queue.
    /// `due`: when the limit was reached. One that came due while the daemon was
    /// down ends the leg then, and the next leg (`queue:NAME`) starts then, as if
    /// the daemon had been up; only routing happens now.
    mutating func timeOut(_ id: CallID, reason: String, now: Instant, due: Instant? = nil) {
        guard let call = calls[id], call.state == .queued, let queue = queues[call.queue]?.config else { return }
        let at = Instant.effective(due: due, now: now, notBefore: call.queuedAt)
        effects.append(.timeout(call: id, queue: call.queue, action: queue.onTimeout, reason: reason))
        count(in: call.queue, now: now) { $0.timedOut += 1 }
        if case let .queue(target) = queue.onTimeout, target != call.queue, queues[target] != nil {
            _ = try? transfer(id, to: .queue(target), endedBy: (.system, "\(reason): \(queue.onTimeout.text)"), now: now, legStart: at)
        } else {
            leaveLines(call)
            end(id, outcome: .timedOut, by: .system, cause: "\(reason): \(queue.onTimeout.text)", now: at)
        }
    }

    /// Ends a call that never reached an agent (timed out, rejected).
    mutating func end(_ id: CallID, outcome: CallOutcome, by side: HangupSide, cause: String?, now: Instant) {
        guard var call = calls[id] else { return }
        call.state = .ended
        call.outcome = outcome
        call.endedAt = now
        call.hangupBy = side
        call.cause = cause
        calls[id] = call
        publish("call.ended", id, reason: outcome.rawValue)
        finish(id)
    }

    /// Drops an ended call from memory, recording its final leg.
    mutating func finish(_ id: CallID) {
        lineStamps[id] = nil
        guard let call = calls.removeValue(forKey: id) else { return }
        changes.legs.append(call)
    }

    /// After a connected leg ends, its agent wraps up (or is free at once).
    mutating func startWrapUp(_ agentID: AgentID, after call: Call, now: Instant) {
        guard var agent = agents[agentID] else { return }
        // Connected time, talk and hold: what `least_talk` ranks by (as FreeSWITCH's
        // mod_callcenter does), so keeping callers on hold earns no more calls.
        let connected = call.talkSeconds(now: now) + call.holdSeconds(now: now)
        rollAgentDay(&agent, now: now)
        agent.talkSecondsToday += connected
        agent.call = nil
        let wrapSeconds = queues[call.queue]?.config.wrapUp ?? 0
        let wrap = WrapUp(call: call.id, serial: call.serial, leg: call.leg, queue: call.queue, start: now,
                          until: now.adding(seconds: wrapSeconds), talkSeconds: connected)
        if wrapSeconds > 0 || complaintHoldsWrapUp(serial: call.serial) {  // a complaint call waits for `solution`
            agent.wrapUp = wrap  // before the transition, so the published agent shows it
            transition(&agent, to: .wrapUp, now: now)
            deadlines.insert(Deadline(at: wrap.until, kind: .wrapUpEnd(agent: agentID)))
        } else {
            agent.wrapUp = wrap
            endWrapUp(&agent, now: now)
        }
    }

    /// Ends an agent's wrap-up: counts the handle time and moves the agent on
    /// (to the state they asked for meanwhile, else `ready`). A wrap-up that ran
    /// its time (`due`: its deadline) counts until then, however late the engine
    /// gets to it: after a restart, the time the daemon was down is nobody's
    /// after-call work.
    mutating func endWrapUp(_ agent: inout Agent, now: Instant, due: Instant? = nil, next: AgentState? = nil, reason: String? = nil) {
        // A wrap-up ends when it was due, even if the daemon was down then: the
        // agent's handle time stops there and their next state (ready: their idle
        // time) starts there, as without the restart.
        let end = Instant.effective(due: due, now: now, notBefore: agent.since)
        if let wrap = agent.wrapUp {
            let wrapSeconds = max(0, end.seconds(since: wrap.start))
            // A wrap-up that ended on an earlier day (the daemon was down over
            // midnight) belongs to that day's figures, which have started again.
            if day(of: end) == day(of: now) {
                count(in: wrap.queue, now: now) {
                    $0.handled += 1
                    $0.handleSeconds += wrap.talkSeconds + wrapSeconds
                }
            }
            changes.wrapUpsEnded.append((serial: wrap.serial, leg: wrap.leg, at: end))
        }
        let state = next ?? agent.pendingState ?? .ready
        let why = next != nil ? reason : agent.pendingReason
        agent.pendingState = nil
        agent.pendingReason = nil
        transition(&agent, to: state, reason: why, now: end)
        if state == .ready { offerWork(to: agent.id, now: now) }
    }

    /// Records who served the caller (`prefer_last_agent`) and forgets, two at a
    /// time, callers nobody served for `LastService.memorySeconds`: the memory
    /// stays the size of a month's callers, with no pass over all of them.
    mutating func rememberLastAgent(_ agent: AgentID, of call: Call, now: Instant) {
        lastAgentByCaller[call.callerKey] = LastService(agent: agent, at: now)
        let horizon = now.adding(seconds: -LastService.memorySeconds)
        lastAgentByCaller.sweep(&lastAgentSweep, steps: 2) { $0.at < horizon }
    }

    /// Estimated seconds until a call at `position` is answered.
    func estimatedWait(position: Int, queue: QueueID, now: Instant) -> Double {
        waitTerms(queue: queue, now: now).wait(position)
    }

    /// What a queue's estimated waits are made of now: today's handle time (else
    /// the default) and the agents who may take its calls and are working.
    func waitTerms(queue: QueueID, now: Instant) -> WaitTerms {
        var handle = settings.defaultHandleTime
        if let aht = queues.read(queue, { $0.counters.day == day(of: now) ? $0.counters.aht : nil }) ?? nil { handle = aht }
        return WaitTerms(handle: handle, staffed: staffedByQueue[queue] ?? 0)
    }
}

/// A queue's estimated wait per place in line (`CallCenter.waitTerms`).
struct WaitTerms {
    let handle: Double
    let staffed: Int

    /// Seconds for the call at 1-based `position` (0 at the head of nothing).
    func wait(_ position: Int) -> Double {
        guard position > 0 else { return 0 }
        return (Double(position) * handle / Double(max(1, staffed))).rounded()
    }
}

extension CallCenter {
    /// Resets an agent's daily figures at the first count of a new local day.
    func rollAgentDay(_ agent: inout Agent, now: Instant) {
        let today = day(of: now)
        if agent.countersDay != today {
            agent.countersDay = today
            agent.answeredToday = 0
            agent.talkSecondsToday = 0
            agent.handleSecondsToday = 0
            agent.availableSecondsToday = 0
        }
    }
}
