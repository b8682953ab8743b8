import HeapModule

/// The call center's state and its rules: calls, agents, queues and routing.
///
/// A value type driven by inputs: `apply(_:at:)` takes one input with the
/// instant it happened and returns what to answer and which effects to perform,
/// or a `CoreError` and no change at all. It never reads a clock or does I/O.
public struct CallCenter: Sendable {
    /// Settings that are not per queue.
    public struct Settings: Sendable, Equatable {
        /// Where calls go when `call.offer` names no queue.
        public var defaultQueue: QueueID
        /// Abandons within this many seconds count as `short_abandon`.
        public var shortAbandon: Double
        /// Local time's offset from UTC, for daily counters (reset at local midnight).
        public var utcOffsetSeconds: Int
        /// Handle time assumed for estimates before any call has been handled.
        public var defaultHandleTime: Double
        /// Priorities, number and intent maps, flag policies.
        public var routing: RoutingPolicy
        /// How long complaints may take to reach `action`, by tier.
        public var complaintSLA = ComplaintSLA()

        public init(defaultQueue: QueueID = "general", shortAbandon: Double = 5, utcOffsetSeconds: Int = 0, defaultHandleTime: Double = 180,
                    routing: RoutingPolicy = RoutingPolicy()) {
            self.defaultQueue = defaultQueue
            self.shortAbandon = shortAbandon
            self.utcOffsetSeconds = utcOffsetSeconds
            self.defaultHandleTime = defaultHandleTime
            self.routing = routing
        }
    }

    public var settings: Settings
    public internal(set) var calls: IDMap<Call> = [:]
    public internal(set) var agents: IDMap<Agent> = [:]
    /// Agents removed (`agent.remove`) and when: their ids are not given out again,
    /// so a new agent never inherits the customers, callers and history of one who left.
    public internal(set) var removedAgents: [AgentID: Instant] = [:]
    public internal(set) var queues: IDMap<Queue> = [:]
    /// Open complaints and their workflow.
    public internal(set) var complaints = ComplaintDesk()

    var lines: IDMap<WaitingLine> = [:]
    /// Calls waiting in each queue (their own queue, not overflow lines).
    var waitingByQueue: IDMap<Int> = [:]
    /// The sum of `waitingByQueue` (the daemon reads it after every pass).
    var waitingTotal = 0
    /// Calls held for their busy account manager, by agent.
    var heldFor: IDMap<[CallID]> = [:]
    /// Waiting calls whose skill minimums overflow relaxed.
    var relaxedCalls = IDSet()
    /// Which logged-in agent sits at each seat.
    var seatHolders: IDMap<AgentID> = [:]
    /// Working agents (ready, ringing, busy, wrap-up) who serve each queue, for estimates.
    public internal(set) var staffedByQueue: IDMap<Int> = [:]
    /// The queues with `maxWaitNoAgent` and each one's pending no-agent deadline;
    /// the queues whose staffing matters to them (theirs and those their overflow
    /// adds; each keeps since when it has had nobody working, `Queue.unstaffedSince`),
    /// and those whose staffing may have gone to or from nobody in this input. All
    /// empty while no queue has the setting (see CallCenter+Unstaffed.swift).
    var noAgentQueues: [QueueID] = []
    var noAgentNext: IDMap<Instant> = [:]
    var staffingWatched = IDSet()
    var staffingChanged: [QueueID] = []
    /// Queues each agent serves by skills (a cache; see `servedQueues`).
    var servedCache: IDMap<[QueueID]> = [:]
    /// The agent who last served each caller (`Call.callerKey`), for `preferLastAgent`.
    public internal(set) var lastAgentByCaller: IDMap<LastService> = [:]
    /// Whether a PBX is there to ring seats. Not part of the snapshot: the shell
    /// sets it after a restore (nothing is routed then), and changes it with
    /// `Input.routesTaken` as PBXs come and go (an opening routes the lines).
    public var routesTaken = true
    /// Where `rememberLastAgent` goes on forgetting callers not served for 30 days.
    var lastAgentSweep = 0
    var deadlines = Heap<Deadline>()
    /// When waiting calls are next told their place in line (`announceEvery`).
    var announceNext: Instant?
    /// Agents in `ready`, the only ones routing looks at.
    var readyAgents = IDSet()
    /// The ready agents of each queue (those with its skills), in the order its
    /// strategy serves them: an arriving call takes the first who may serve it
    /// (`chooseAgent`) instead of weighing every ready agent.
    var readyLines: IDMap<ReadyLine> = [:]
    /// How many agents are in each state.
    public var agentCounts: [AgentState: Int] {
        Dictionary(uniqueKeysWithValues: AgentState.allCases.map { ($0, stateCounts[$0.index]) })
    }
    /// `agentCounts` by `AgentState.index` (a dictionary keyed by state cost a hash
    /// per transition).
    var stateCounts = [Int](repeating: 0, count: AgentState.allCases.count)
    /// Next line-entry stamp, and each waiting call's current one (in memory only;
    /// see `WaitingLine.Entry.stamp`).
    var nextStamp: UInt64 = 1
    var lineStamps: IDMap<UInt64> = [:]
    /// Next place-in-line number; also each new call's serial.
    public internal(set) var nextTicket: UInt64 = 1

    // Per-input scratch: what changed and what to do.
    var effects: [Effect] = []
    var changes = ChangeSet()
    var touchedCalls: [CallID] = []

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    // MARK: - Applying inputs

    /// The result of an accepted input.
    public struct Applied: Sendable {
        public var outcome: Outcome
        public var effects: [Effect]
        public var changes: ChangeSet
    }

    /// Applies one input at `now`. On error nothing changed.
    public mutating func apply(_ input: Input, at now: Instant) -> Result<Applied, CoreError> {
        effects = []
        effects.reserveCapacity(8)  // a routed call makes about six; growing 1, 2, 4, 8 cost more
        changes = ChangeSet()
        touchedCalls = []
        let outcome: Outcome
        do {
            outcome = try perform(input, now: now)
            releaseHoldsOfAbsentManagers(now: now)
            watchStaffing(now: now)
        } catch let error as CoreError {
            return .failure(error)
        } catch {
            preconditionFailure("core threw a non-core error: \(error)")
        }
        for id in touchedCalls {
            if let call = calls[id] { changes.legs.append(call) }
        }
        let applied = Applied(outcome: outcome, effects: effects, changes: changes)
        effects = []
        changes = ChangeSet()
        touchedCalls = []
        return .success(applied)
    }

    /// Checks everything first and throws before the first mutation, so a thrown
    /// error leaves the state untouched.
    private mutating func perform(_ input: Input, now: Instant) throws -> Outcome {
        try refuseLeavingHeldWrapUp(input)
        switch input {
        case let .offerCall(call, from, to, queue, attributes, caller):
            return try offerCall(call, from: from, to: to, queue: queue, attributes: attributes, caller: caller, now: now)
        case let .callAnswered(call, agent):
            return try answer(call, by: agent, now: now)
        case let .callNoAnswer(call, agent):
            return try noAnswer(call, agent: agent, now: now)
        case let .callHold(call, onHold):
            return try setHold(call, onHold, now: now)
        case let .callHangup(call, by, cause):
            return try hangup(call, by: by, cause: cause, now: now)
        case let .callTransfer(call, target):
            return try transfer(call, to: target, now: now)
        case let .agentLogin(agent, seat):
            return try login(agent, seat: seat, now: now)
        case let .agentLogout(agent):
            return try logout(agent, now: now)
        case let .agentSetState(agent, state, reason):
            return try setState(agent, to: state, reason: reason, now: now)
        case let .upsertQueue(config):
            return try upsertQueue(config, now: now)
        case let .upsertAgent(profile, tokenHash):
            return try upsertAgent(profile, tokenHash: tokenHash, now: now)
        case let .removeAgent(agent):
            return try removeAgent(agent, now: now)
        case let .removeQueue(queue):
            return try removeQueue(queue)
        case let .openComplaint(call, agent, summary, caller):
            return try openComplaint(on: call, by: agent, summary: summary, caller: caller, now: now)
        case let .complaintStep(complaint, step, agent, note, call):
            return try takeComplaintStep(step, on: complaint, by: agent, note: note, call: call, now: now)
        case let .assignComplaint(complaint, agent):
            return try assignComplaint(complaint, to: agent, now: now)
        case .tick:
            fireDeadlines(now: now)
            return .none
        case let .routesTaken(taken):
            guard taken != routesTaken else { return .none }
            routesTaken = taken
            // As if every ready agent had just become ready, in the order they did:
            // each takes the best call of the lines it serves (nextCall).
            if taken {
                let ready = readyAgents.compactMap { agents[$0] }.sorted { ($0.idleSince ?? now, $0.id) < ($1.idleSince ?? now, $1.id) }
                for agent in ready { offerWork(to: agent.id, now: now) }
            }
            return .none
        }
    }

    // MARK: - Bookkeeping shared by the rules

    mutating func touch(_ call: CallID) {
        touchedCalls.append(call)
    }

    mutating func publish(_ event: String, _ id: CallID, reason: String? = nil) {
        if let call = calls[id] { effects.append(.notice(.call(event: event, call: call, reason: reason))) }
    }

    /// Adds the time the agent has spent in its current state (since the later
    /// of `since` and local midnight) to today's handle or available seconds.
    mutating func accrueStateTime(_ agent: inout Agent, now: Instant) {
        rollAgentDay(&agent, now: now)
        let (handle, available) = Self.stateTime(agent, now: now, dayStart: startOfDay(day(of: now)))
        agent.handleSecondsToday += handle
        agent.availableSecondsToday += available
    }

    /// The current state's seconds since the later of `since` and `dayStart`, as (handle, available).
    static func stateTime(_ agent: Agent, now: Instant, dayStart: Instant) -> (handle: Double, available: Double) {
        let seconds = max(0, now.seconds(since: max(agent.since, dayStart)))
        switch agent.state {
        case .busy, .wrapUp: return (seconds, 0)
        case .ready, .ringing: return (0, seconds)
        case .notReady, .loggedOut: return (0, 0)
        }
    }

    /// An agent's handle (busy, wrap-up) and available (ready, ringing) seconds
    /// today, the time in its current state included: DOMAIN.md's occupancy is
    /// handle ÷ (handle + available), that is (talk + hold + wrap-up) ÷ (logged-in time
    /// − not-ready time).
    public func workToday(of agent: Agent, now: Instant) -> (handle: Double, available: Double) {
        let today = day(of: now)
        guard agent.countersDay == today || agent.state != .loggedOut else { return (0, 0) }
        let (handle, available) = Self.stateTime(agent, now: now, dayStart: startOfDay(today))
        if agent.countersDay != today { return (handle, available) }  // the counters are another day's
        return (agent.handleSecondsToday + handle, agent.availableSecondsToday + available)
    }

    /// The instant local day `day` begins.
    func startOfDay(_ day: Int) -> Instant {
        Instant(milliseconds: (Int64(day) * 86_400 - Int64(settings.utcOffsetSeconds)) * 1000)
    }

    /// The local day number of `now`, for daily counters.
    func day(of now: Instant) -> Int {
        let seconds = now.milliseconds / 1000 + Int64(settings.utcOffsetSeconds)
        return Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// Updates a queue's counters for today (resetting them at a new day).
    mutating func count(in queue: QueueID, now: Instant, _ update: (inout QueueCounters) -> Void) {
        let today = day(of: now)
        let counted: Void? = queues.inPlace(queue) { q in
            if q.counters.day != today { q.counters = QueueCounters(day: today) }
            update(&q.counters)
        }
        guard counted != nil else { return }  // no such queue
        changes.queues.insert(queue)
        effects.append(.notice(.queue(queue)))
    }

    /// Moves an agent to a state, keeping the ready lines, counts and projections right.
    /// An agent back to `ready` after a call that never connected keeps its place in
    /// the idle order (`keepingIdle`).
    mutating func transition(_ agent: inout Agent, to state: AgentState, reason: String? = nil, keepingIdle: Instant? = nil, now: Instant) {
        let old = agent.state
        if old == .ready && state != .ready {
            // Out of the ready lines while the agent still has the keys it went in with.
            readyAgents.remove(agent.id)
            indexReady(agent, false)
        }
        if old != state {
            stateCounts[old.index] -= 1
            stateCounts[state.index] += 1
            accrueStateTime(&agent, now: now)  // after leaving the ready lines: it may start a new day's counters
            agent.since = now
            if Self.isStaffed(old) != Self.isStaffed(state) { countStaffed(agent.id, by: Self.isStaffed(state) ? 1 : -1) }
        }
        agent.state = state
        agent.reason = state == .notReady ? reason : nil
        if state == .ready && old != .ready {
            agent.idleSince = keepingIdle ?? now
            rollAgentDay(&agent, now: now)  // yesterday's calls and talk must not order today's ready line
            readyAgents.insert(agent.id)
            indexReady(agent, true)
        }
        if state != .wrapUp { agent.wrapUp = nil }
        if state != .ringing && state != .busy { agent.call = nil }
        if state == .loggedOut {
            if seatHolders[agent.seat] == agent.id { seatHolders[agent.seat] = nil }
            agent.activeSeat = nil
            agent.pendingState = nil
            agent.pendingReason = nil
        } else if old == .loggedOut {
            seatHolders[agent.seat] = agent.id
        }
        agents[agent.id] = agent
        changes.agents.insert(agent.id)
        effects.append(.notice(.agent(agent)))
    }

    /// Whether an agent in `state` counts as staffing their queues.
    static func isStaffed(_ state: AgentState) -> Bool {
        state == .ready || state == .ringing || state == .busy || state == .wrapUp
    }

    mutating func countStaffed(_ agent: AgentID, by delta: Int) {
        for queue in servedQueues(agent) {
            let staffed = staffedByQueue.inPlace(queue) { count -> Int in count += delta; return count } ?? {
                staffedByQueue[queue] = delta
                return delta
            }()
            if (staffed == 0) != (staffed - delta == 0), !staffingWatched.isEmpty, staffingWatched.contains(queue) {
                staffingChanged.append(queue)  // to or from nobody
            }
        }
    }

    /// Adds a ready agent to (or removes it from) the ready lines of the queues it serves.
    mutating func indexReady(_ agent: Agent, _ ready: Bool) {
        for queue in servedQueues(agent.id) { readyLines.inPlace(queue) { $0.update(agent, ready: ready) } }
    }

    /// Recounts staffing and rebuilds the ready lines (every queue has one) after
    /// queue skills or strategies changed.
    mutating func recountStaffed() {
        servedCache = [:]
        staffedByQueue = [:]
        for (id, agent) in agents where Self.isStaffed(agent.state) { countStaffed(id, by: 1) }
        staffingChanged = Array(staffingWatched)
        var ready: [QueueID: [Agent]] = [:]
        for id in readyAgents {
            guard let agent = agents[id] else { continue }
            for queue in servedQueues(id) { ready[queue, default: []].append(agent) }
        }
        readyLines = [:]
        for (id, queue) in queues { readyLines[id] = ReadyLine(queue.config, agents: ready[id] ?? []) }
    }

    // MARK: - Reading

    /// The earliest deadline still pending; stale ones are dropped.
    public mutating func nextDeadline() -> Instant? {
        // Staffing not yet looked at (after a restore): the first tick does it.
        if !staffingChanged.isEmpty { return Instant(milliseconds: 0) }
        while let top = deadlines.min {
            if isLive(top) { return top.at }
            deadlines.removeMin()
        }
        return nil
    }

    func isLive(_ deadline: Deadline) -> Bool {
        switch deadline.kind {
        // A call's deadline counts only while it is the one its leg and its queue's
        // settings give now: a queue changed since, or a new call with a reused id,
        // leaves it stale (the change arms the new one: `armQueueTimers`).
        case let .ringTimeout(call, since):
            guard let c = calls[call], c.state == .ringing, c.ringingAt == since else { return false }
            return since.adding(seconds: queues[c.queue]?.config.ringTimeout ?? 20) == deadline.at
        case let .wrapUpEnd(agent):
            guard let a = agents[agent], a.state == .wrapUp, let wrap = a.wrapUp else { return false }
            return wrap.until == deadline.at && complaintHolding(a) == nil
        case let .holdEnd(call, leg):
            guard let c = calls[call] else { return false }
            return c.state == .queued && c.leg == leg && c.holdUntil == deadline.at
        case let .overflow(call, leg, stage):
            guard let c = calls[call], c.state == .queued, c.leg == leg, c.overflowStage == stage,
                  let steps = queues[c.queue]?.config.overflow, stage < steps.count else { return false }
            return c.queuedAt.adding(seconds: steps[stage].after) == deadline.at
        case let .maxWait(call, leg):
            guard let c = calls[call], c.state == .queued, c.leg == leg, let maxWait = queues[c.queue]?.config.maxWait else { return false }
            return c.queuedAt.adding(seconds: maxWait) == deadline.at
        case let .noAgent(queue):
            return noAgentNext[queue] == deadline.at
        case let .complaintDue(complaint):
            return complaints.isDue(complaint, at: deadline.at)
        case .announce:
            return announceNext == deadline.at
        }
    }
}
