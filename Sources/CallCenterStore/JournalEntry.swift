import CallCenterCore

/// One accepted input as the journal keeps it.
public struct JournalEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: Instant
    public var op: String
    /// Who sent it: `pbx`, `admin`, `agent:a7`, `daemon` (timers).
    public var actor: String
    /// The request as received (JSON), or the timer's description.
    public var payload: String

    public init(seq: Int64, at: Instant, op: String, actor: String, payload: String) {
        self.seq = seq
        self.at = at
        self.op = op
        self.actor = actor
        self.payload = payload
    }
}

/// Everything one pass of the engine commits in one transaction (group commit):
/// the journal entries and the projections they changed.
public struct CommitBatch: Sendable {
    public var entries: [JournalEntry] = []
    /// Call legs as they are now (the last write of a leg wins).
    public var legs: [Call] = []
    public var wrapUpsEnded: [(serial: UInt64, leg: Int, at: Instant)] = []
    public var agents: [Agent] = []
    /// Agents removed (`agent.remove`) and when: their rows are deleted before
    /// `agents` are written, and their ids kept in `removed_agents`.
    public var removedAgents: [(agent: AgentID, at: Instant)] = []
    public var queues: [Queue] = []
    /// Queues removed (`queue.remove`): their rows are deleted before `queues` are written.
    public var removedQueues: [QueueID] = []
    public var nextTicket: UInt64 = 1
    /// Complaints as they are now (the last write of a complaint wins).
    public var complaints: [Complaint] = []
    /// Customer-archive writes (customers, interactions, flags, audit), in order.
    public var archive: [ArchiveChange] = []
    /// Every entry records a read of a customer record (its audit entry) and none
    /// changes the call center: the batch is committed without waiting for the
    /// disk (`synchronous = normal` for this one transaction). It survives a crash
    /// of the process as any commit does, and reaches the disk with the next
    /// change's commit or checkpoint.
    public var readsOnly = false

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
}

/// A row of the call log.
public struct CallLogEntry: Sendable, Equatable {
    public var call: Call
    /// Seconds of wrap-up, once it is over.
    public var wrapUp: Double?
}
