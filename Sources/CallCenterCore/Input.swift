/// Everything that can change the call center's state. Each accepted input is
/// journaled with the instant it happened before anything it causes leaves the process.
public enum Input: Sendable, Equatable {
    // MARK: PBX
    /// A call arrives. `queue` nil: the default queue. `caller`: what the archive
    /// says about the calling number (looked up by the shell), nil when unknown.
    case offerCall(call: CallID, from: String, to: String, queue: QueueID?, attributes: [String: String], caller: CallerInfo? = nil)
    case callAnswered(call: CallID, agent: AgentID)
    case callNoAnswer(call: CallID, agent: AgentID)
    case callHangup(call: CallID, by: HangupSide, cause: String?)
    /// The PBX put a connected caller on hold (`onHold`) or took them off it.
    case callHold(call: CallID, onHold: Bool)
    /// Move a call to another queue or straight to an agent.
    case callTransfer(call: CallID, target: TransferTarget)

    // MARK: Agents
    case agentLogin(agent: AgentID, seat: String?)
    case agentLogout(agent: AgentID)
    /// `ready` or `not_ready` (with a reason).
    case agentSetState(agent: AgentID, state: AgentState, reason: String?)

    // MARK: Administration
    case upsertQueue(QueueConfig)
    /// `tokenHash` non-nil replaces the agent's token (new agents always get one).
    case upsertAgent(AgentProfile, tokenHash: String?)
    /// An agent who has left: removed with their token, once logged out and holding no open complaint.
    case removeAgent(agent: AgentID)
    /// A queue no longer used: removed once nothing (calls, queues, routing rules) needs it.
    case removeQueue(queue: QueueID)

    // MARK: Complaints
    /// `complaint.open`: the agent on `call` (connected or in wrap-up) accepts a complaint.
    /// `caller`: the archive summary of an ended call's caller, found by the shell.
    case openComplaint(call: CallID, agent: AgentID, summary: String, caller: CallerInfo? = nil)
    /// `complaint.step`: the complaint's next step; `call` links a follow-up call.
    case complaintStep(complaint: ComplaintID, step: ComplaintStep, agent: AgentID, note: String?, call: CallID? = nil)
    /// `complaint.assign`: hand the complaint to another agent.
    case assignComplaint(complaint: ComplaintID, agent: AgentID)

    // MARK: Time
    /// Time has passed: fire every deadline due at or before the input's instant.
    case tick

    // MARK: The shell
    /// Whether a PBX is connected to ring seats: without one no ring starts (calls
    /// wait in line, agents stay ready); when one comes, the lines are routed.
    case routesTaken(Bool)
}

/// Where `call.transfer` sends a call.
public enum TransferTarget: Sendable, Equatable {
    case queue(QueueID)
    case agent(AgentID)
}
