/// What the core asks the shell to do after an input is durably committed.
public enum Effect: Sendable, Equatable {
    /// Tell the PBX to connect `call` to `agent`'s `seat`.
    case route(call: CallID, agent: AgentID, seat: String)
    /// Tell the PBX to stop ringing `seat` for `call` (ring timeout, agent left).
    case cancelRoute(call: CallID, agent: AgentID, seat: String, reason: String)
    /// Tell the agent's softphone a call is coming (the screen pop).
    case assigned(call: CallID, agent: AgentID)
    /// Tell the PBX a call waited too long (or rang unanswered too often) and what to do.
    case timeout(call: CallID, queue: QueueID, action: TimeoutAction, reason: String)
    /// Tell the PBX to refuse a call (flagged-number policy).
    case rejected(call: CallID, reason: String)
    /// Tell the PBX where a waiting call stands, for its announcement (1-based position, seconds).
    case position(call: CallID, queue: QueueID, position: Int, ewt: Double)
    /// Tell supervisors about a call from a flagged number.
    case alert(call: CallID, flag: String)
    /// A change subscribers of a topic want to hear about.
    case notice(Notice)

    /// A `position` announcement: it changes nothing, so a tick of only these is not journaled.
    public var isAnnouncement: Bool {
        if case .position = self { return true }
        return false
    }
}

/// A published change: `calls`, `agents` and `queues` topics.
public enum Notice: Sendable, Equatable {
    /// `call.offered`, `call.queued`, `call.ringing`, `call.connected`, `call.ended`,
    /// `call.requeued`, `call.transferred`: the call after the change, with a short reason.
    indirect case call(event: String, call: Call, reason: String?)
    /// `agent.state`: the agent after the change.
    indirect case agent(Agent)
    /// `agent.removed`: an agent who left was removed.
    case agentRemoved(AgentID)
    /// `queue.changed`: the queue's settings or figures moved.
    case queue(QueueID)
    /// `queue.removed`: a queue no longer used was removed.
    case queueRemoved(QueueID)
    /// `complaint.opened`, `complaint.step`, `complaint.closed`, `complaint.assigned`,
    /// `complaint.sla_breached`: the complaint after the change (`complaints` topic).
    case complaint(event: String, complaint: Complaint)
}

/// What changed in one input, for the store's projections.
public struct ChangeSet: Sendable, Equatable {
    /// Call legs to write as they are now, in order (a leg may appear several times;
    /// the last write wins). Ended legs appear once with their final state.
    public var legs: [Call] = []
    /// Wrap-ups that finished: which leg, and when.
    public var wrapUpsEnded: [(serial: UInt64, leg: Int, at: Instant)] = []
    /// Agents to write as they are now; one no longer in the core was removed.
    public var agents: Set<AgentID> = []
    /// Queues to write as they are now; one no longer in the core was removed.
    public var queues: Set<QueueID> = []
    /// Complaints as they are now, in order (the last write of a complaint wins).
    public var complaints: [Complaint] = []

    public init() {}

    public var isEmpty: Bool { legs.isEmpty && wrapUpsEnded.isEmpty && agents.isEmpty && queues.isEmpty && complaints.isEmpty }

    public static func == (lhs: ChangeSet, rhs: ChangeSet) -> Bool {
        lhs.legs == rhs.legs && lhs.agents == rhs.agents && lhs.queues == rhs.queues
            && lhs.wrapUpsEnded.elementsEqual(rhs.wrapUpsEnded, by: { $0 == $1 })
            && lhs.complaints == rhs.complaints
    }
}

/// The core's answer to an accepted input.
public enum Outcome: Sendable, Equatable {
    case none
    case offered(OfferResult)
    case call(Call)
    case agent(Agent)
    case queue(Queue)
    /// A new or changed agent; `token` only when one was issued.
    case agentSaved(Agent)
    /// `agent.remove`: the agent is gone.
    case agentRemoved(AgentID)
    /// `queue.remove`: the queue is gone.
    case queueRemoved(QueueID)
    /// A complaint after `complaint.open`, `complaint.step` or `complaint.assign`.
    case complaint(Complaint)
}

/// The reply to `call.offer`.
public struct OfferResult: Sendable, Equatable {
    public var call: CallID
    public var queue: QueueID
    public var priority: Int
    /// 1-based place in line, 0 when the call went straight to an agent.
    public var position: Int
    /// Estimated seconds until an agent answers.
    public var ewt: Double
    /// What the archive says about the caller (nil: unknown number).
    public var caller: CallerInfo?
}
