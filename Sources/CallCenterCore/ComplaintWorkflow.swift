/// Complaints in the call center: opening one on a call, its steps (on the same
/// call or on later follow-up calls), reassignment, the SLA deadline, and the
/// rule that a complaint call's wrap-up cannot finish before `solution`.
extension CallCenter {
    // MARK: - Inputs

    /// `complaint.open`: the agent on (or wrapping up) `call` accepts a complaint.
    /// `caller` is the archive summary the shell found for a call that has ended
    /// (in wrap-up); a live call's own caller record wins.
    mutating func openComplaint(on callID: CallID, by agentID: AgentID, summary: String, caller: CallerInfo?, now: Instant) throws -> Outcome {
        guard agents[agentID] != nil else { throw noSuchAgent(agentID) }
        let (link, live) = try complaintLink(callID, agent: agentID, followUp: false, now: now)
        let who = live ?? caller
        let complaint = try complaints.open(
            customer: who?.customer, customerName: who?.name, tier: who?.customer == nil ? nil : who?.tier,
            summary: summary, call: link, at: now, sla: settings.complaintSLA
        )
        deadlines.insert(Deadline(at: complaint.slaDue, kind: .complaintDue(complaint: complaint.id)))
        record(complaint, "complaint.opened")
        return .complaint(complaint)
    }

    /// `complaint.step`: the next step, by any agent; `call` links a follow-up call.
    mutating func takeComplaintStep(_ step: ComplaintStep, on id: ComplaintID, by agentID: AgentID, note: String?, call: CallID?, now: Instant) throws -> Outcome {
        guard agents[agentID] != nil else { throw noSuchAgent(agentID) }
        guard let current = complaints.open[id] else { throw ComplaintDesk.notOpen(id) }
        try ComplaintDesk.check(step, on: current, note: note)
        var link: ComplaintCall?
        if let call { link = try complaintLink(call, agent: agentID, followUp: true, now: now).link }
        let complaint = try complaints.take(step, on: id, by: agentID, note: note, link: link, at: now)
        record(complaint, "complaint.step")
        if step == .thanks { record(complaint, "complaint.closed") }
        if step == .solution { releaseWrapUps(of: complaint, now: now) }
        return .complaint(complaint)
    }

    /// `complaint.assign`: a supervisor hands the complaint to another agent.
    mutating func assignComplaint(_ id: ComplaintID, to agentID: AgentID, now: Instant) throws -> Outcome {
        guard agents[agentID] != nil else { throw noSuchAgent(agentID) }
        let complaint = try complaints.assign(id, to: agentID, at: now)
        record(complaint, "complaint.assigned")
        return .complaint(complaint)
    }

    /// The SLA deadline passed: mark the complaint breached, once.
    mutating func complaintDue(_ id: ComplaintID, now: Instant) {
        guard let complaint = complaints.markBreached(id, at: now) else { return }
        record(complaint, "complaint.sla_breached")
    }

    // MARK: - The wrap-up gate

    /// Refuses to end a wrap-up that an open complaint still holds (`agent.state`,
    /// `agent.logout`): the complaint must reach `solution` first.
    func refuseLeavingHeldWrapUp(_ input: Input) throws {
        let agentID: AgentID
        switch input {
        case let .agentSetState(agent, _, _): agentID = agent
        case let .agentLogout(agent): agentID = agent
        default: return
        }
        guard let agent = agents[agentID], let complaint = complaintHolding(agent), let wrap = agent.wrapUp else { return }
        throw CoreError(.invalidTransition, "agent '\(agentID)' is wrapping up call '\(wrap.call)' of complaint '\(complaint.id)': the complaint must reach step 'solution' first (its next step is '\(complaint.nextStep?.rawValue ?? "-")')")
    }

    /// The open complaint holding up the agent's wrap-up, if any.
    public func complaintHolding(_ agent: Agent) -> Complaint? {
        guard agent.state == .wrapUp, let wrap = agent.wrapUp else { return nil }
        return complaints.holdingWrapUp(serial: wrap.serial)
    }

    /// Whether a call (by serial) must go through wrap-up, however short its queue's.
    func complaintHoldsWrapUp(serial: UInt64) -> Bool {
        complaints.holdingWrapUp(serial: serial) != nil
    }

    /// After `solution`, wrap-ups of the complaint's calls may end: at once if their
    /// time is over, else at their own end.
    mutating func releaseWrapUps(of complaint: Complaint, now: Instant) {
        let serials = Set(complaint.calls.map(\.serial))
        for id in agents.keys.sorted() {
            guard var agent = agents[id], agent.state == .wrapUp, let wrap = agent.wrapUp, serials.contains(wrap.serial),
                  complaintHolding(agent) == nil else { continue }
            if wrap.until <= now {
                endWrapUp(&agent, now: now)
            } else {
                deadlines.insert(Deadline(at: wrap.until, kind: .wrapUpEnd(agent: id)))
            }
        }
    }

    // MARK: - Helpers

    /// The agent's call `callID` as a complaint link: connected to the agent, or in
    /// the agent's wrap-up. Returns the live call's caller record when it has one.
    func complaintLink(_ callID: CallID, agent agentID: AgentID, followUp: Bool, now: Instant) throws -> (link: ComplaintCall, caller: CallerInfo?) {
        if let call = calls[callID], call.agent == agentID, call.state == .connected {
            return (ComplaintCall(call: callID, serial: call.serial, agent: agentID, at: now, followUp: followUp), call.caller)
        }
        if let agent = agents[agentID], agent.state == .wrapUp, let wrap = agent.wrapUp, wrap.call == callID {
            return (ComplaintCall(call: callID, serial: wrap.serial, agent: agentID, at: now, followUp: followUp), nil)
        }
        if let call = calls[callID] {
            if let other = call.agent, other != agentID {
                throw CoreError(.conflict, "call '\(callID)' is with agent '\(other)', not '\(agentID)'")
            }
            throw CoreError(.invalidTransition, "call '\(callID)' is \(call.state.rawValue): a complaint is taken on a connected call or in its wrap-up")
        }
        throw CoreError(.invalidTransition, "call '\(callID)' is neither connected to agent '\(agentID)' nor in its wrap-up: a complaint is taken during the call or its wrap-up")
    }

    /// Records a changed complaint for the store and publishes it.
    mutating func record(_ complaint: Complaint, _ event: String) {
        if changes.complaints.last?.id != complaint.id || changes.complaints.last != complaint {
            changes.complaints.append(complaint)
        }
        effects.append(.notice(.complaint(event: event, complaint: complaint)))
    }

    /// Rebuilds the complaints of a snapshot and re-arms their SLA deadlines.
    mutating func restoreComplaints(from snapshot: Snapshot) {
        complaints = ComplaintDesk(restoring: snapshot.complaints, nextNumber: snapshot.nextComplaintNumber)
        for complaint in complaints.sorted where !complaint.breached && complaint.step < .action {
            deadlines.insert(Deadline(at: complaint.slaDue, kind: .complaintDue(complaint: complaint.id)))
        }
    }
}
