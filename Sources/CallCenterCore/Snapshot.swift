/// Everything needed to rebuild the core after a restart: what the store keeps
/// as live state in the same transaction as the journal.
public struct Snapshot: Sendable, Equatable {
    public var agents: [Agent]
    public var queues: [Queue]
    /// Calls not yet ended (queued, ringing, connected).
    public var calls: [Call]
    public var nextTicket: UInt64
    /// The agent who last completed a call with each caller (`Call.callerKey`, for `prefer_last_agent`).
    public var lastAgents: [String: LastService] = [:]
    /// Open complaints, and the number the next complaint gets.
    public var complaints: [Complaint] = []
    public var nextComplaintNumber = 1
    /// Agents removed and when (their ids are not given out again).
    public var removedAgents: [AgentID: Instant] = [:]

    public init(agents: [Agent] = [], queues: [Queue] = [], calls: [Call] = [], nextTicket: UInt64 = 1) {
        self.agents = agents
        self.queues = queues
        self.calls = calls
        self.nextTicket = nextTicket
    }
}

extension CallCenter {
    /// Rebuilds the state from a snapshot: lines in their order, pending
    /// deadlines (ring timeouts, wrap-ups) re-armed.
    public init(settings: Settings = Settings(), restoring snapshot: Snapshot) {
        self.init(settings: settings)
        for queue in snapshot.queues { queues[queue.id] = queue }
        for agent in snapshot.agents {
            agents[agent.id] = agent
            stateCounts[agent.state.index] += 1
            if agent.state.isLoggedIn { seatHolders[agent.seat] = agent.id }
            if agent.state == .ready { readyAgents.insert(agent.id) }
            if agent.state == .wrapUp, let wrap = agent.wrapUp {
                deadlines.insert(Deadline(at: wrap.until, kind: .wrapUpEnd(agent: agent.id)))
            }
        }
        recountStaffed()
        calls.reserveCapacity(snapshot.calls.count)
        lineStamps.reserveCapacity(snapshot.calls.count)
        var maxTicket: UInt64 = 0
        for call in snapshot.calls.sorted(by: { $0.ticket < $1.ticket }) {
            calls[call.id] = call
            maxTicket = max(maxTicket, call.ticket, call.serial)
            if call.state == .queued {
                insertInLines(call)
                if let until = call.holdUntil, let manager = call.accountManager {
                    heldFor[manager, default: []].append(call.id)
                    deadlines.insert(Deadline(at: until, kind: .holdEnd(call: call.id, leg: call.leg)))
                }
            }
            armQueueTimers(of: call)
        }
        // Watched queues are worked out with the calls in line (overflow may have
        // added queues to them), then each keeps or drops its stored moment.
        refreshNoAgentQueues()
        restoreStaffing()
        nextTicket = max(snapshot.nextTicket, maxTicket + 1)
        lastAgentByCaller = [:]
        for (number, agent) in snapshot.lastAgents { lastAgentByCaller[number] = agent }
        removedAgents = snapshot.removedAgents
        restoreComplaints(from: snapshot)
    }

    /// The state as a snapshot (what the store would load back).
    public var snapshot: Snapshot {
        var snapshot = Snapshot(
            agents: agents.values.sorted { $0.id < $1.id },
            queues: queues.values.sorted { $0.id < $1.id },
            calls: calls.values.sorted { $0.ticket < $1.ticket },
            nextTicket: nextTicket
        )
        snapshot.lastAgents = lastAgentByCaller.dictionary
        snapshot.complaints = complaints.sorted
        snapshot.nextComplaintNumber = complaints.nextNumber
        snapshot.removedAgents = removedAgents
        return snapshot
    }
}
