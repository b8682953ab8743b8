/// Waiting lines: putting calls in, taking them out, keeping the lines tidy.
extension CallCenter {
    /// Puts a queued call in its queue's line (and arms its hold, overflow and
    /// maximum-wait deadlines); returns its 1-based position.
    @discardableResult
    mutating func enqueue(_ id: CallID, now: Instant) -> Int {
        guard var call = calls[id], let queue = queues[call.queue]?.config else { return 0 }
        if let until = managerHold(for: call, now: now), let manager = call.accountManager {
            call.holdUntil = until
            calls[id] = call
            heldFor[manager, default: []].append(id)
            deadlines.insert(Deadline(at: until, kind: .holdEnd(call: id, leg: call.leg)))
        }
        let position = insertInLines(call)
        if call.attempts == 0 {
            for (stage, step) in queue.overflow.enumerated() {
                deadlines.insert(Deadline(at: call.queuedAt.adding(seconds: step.after), kind: .overflow(call: id, leg: call.leg, stage: stage)))
            }
            if let maxWait = queue.maxWait {
                deadlines.insert(Deadline(at: call.queuedAt.adding(seconds: maxWait), kind: .maxWait(call: id, leg: call.leg)))
            }
        }
        publish("call.queued", id)
        return position
    }

    /// Arms the deadlines a call has from its queue's settings as they are now:
    /// a waiting call's overflow steps still ahead and its maximum wait, a ringing
    /// call's ring timeout. At a restore, and for a queue's calls when its timings
    /// change (the deadlines armed before are stale then: `isLive`). One already
    /// past fires at the next tick.
    mutating func armQueueTimers(of call: Call) {
        guard let queue = queues[call.queue]?.config else { return }
        switch call.state {
        case .queued:
            for (stage, step) in queue.overflow.enumerated() where stage >= call.overflowStage {
                deadlines.insert(Deadline(at: call.queuedAt.adding(seconds: step.after), kind: .overflow(call: call.id, leg: call.leg, stage: stage)))
            }
            if let maxWait = queue.maxWait {
                deadlines.insert(Deadline(at: call.queuedAt.adding(seconds: maxWait), kind: .maxWait(call: call.id, leg: call.leg)))
            }
        case .ringing:
            if let since = call.ringingAt {
                deadlines.insert(Deadline(at: since.adding(seconds: queue.ringTimeout), kind: .ringTimeout(call: call.id, since: since)))
            }
        case .connected, .ended:
            break
        }
    }

    /// Until when a call being queued for the first time waits for its account
    /// manager alone: the manager is busy (ringing, on a call, in wrap-up), the
    /// queue holds for managers and the manager may take the call. Nil: no hold.
    func managerHold(for call: Call, now: Instant) -> Instant? {
        guard call.attempts == 0, call.holdUntil == nil, let manager = call.accountManager, let agent = agents[manager],
              [.ringing, .busy, .wrapUp].contains(agent.state), !agent.leavesAfterCall, let queue = queues[call.queue]?.config, queue.managerWait > 0,
              isEligible(agent, for: call, now: now) else { return nil }
        return now.adding(seconds: queue.managerWait)
    }

    /// Puts the call's entries in its queue's line and its overflow lines, and counts it waiting.
    @discardableResult
    mutating func insertInLines(_ call: Call) -> Int {
        waitingByQueue[call.queue, default: 0] += 1
        waitingTotal += 1
        lineStamps[call.id] = nextStamp
        nextStamp += 1
        let entry = lineEntry(for: call)
        let isLive = isWaiting(in: call.queue)
        let position = lines[call.queue, default: WaitingLine()].insert(entry) { isLive($0) }
        for extra in call.extraQueues { lines[extra, default: WaitingLine()].insert(entry) }
        if call.relaxedSkills != nil { relaxedCalls.insert(call.id) }
        armNoAgentWait(call)
        return position
    }

    /// Sets the routing policy. A new `aging_per_second` puts every waiting call
    /// back in its lines with keys on the new scale, as a restart would: an old
    /// key and a new one do not compare (a caller could jump the line).
    public mutating func setRoutingPolicy(_ policy: RoutingPolicy) {
        let rescaled = policy.agingPerSecond != settings.routing.agingPerSecond
        settings.routing = policy
        guard rescaled else { return }
        let waiting = calls.values.filter { $0.state == .queued }.sorted { $0.ticket < $1.ticket }
        lines = [:]
        waitingByQueue = [:]
        waitingTotal = 0
        lineStamps = [:]
        for call in waiting { insertInLines(call) }
    }

    /// Records that a waiting call left its lines: its entries become stale (those
    /// at the front of a line are dropped now, the others when they reach it).
    mutating func leaveLines(_ call: Call) {
        lineStamps[call.id] = nil  // its entries are stale from now on (see `isWaiting`)
        markLeft(call.queue)
        for extra in call.extraQueues { markLeft(extra) }
        waitingByQueue[call.queue, default: 1] -= 1
        waitingTotal -= 1
        relaxedCalls.remove(call.id)
        if let manager = call.accountManager { heldFor[manager]?.removeAll { $0 == call.id } }
    }

    /// Calls held for an account manager who can no longer come (not ready, logged
    /// out) wait for them no more: they go to anyone eligible now.
    mutating func releaseHoldsOfAbsentManagers(now: Instant) {
        guard !heldFor.isEmpty else { return }
        for manager in heldFor.keys.sorted() {
            // Away, or going away after the call in hand (a not_ready asked while busy):
            // the callers held for them go to anyone now, not when that call ends.
            guard agents[manager].map({ $0.state == .notReady || $0.state == .loggedOut || $0.leavesAfterCall }) ?? true else { continue }
            for id in heldFor.removeValue(forKey: manager) ?? [] {
                guard var call = calls[id], call.state == .queued, call.holdUntil != nil else { continue }
                call.holdUntil = nil
                calls[id] = call
                touch(id)
                place(id, now: now)
            }
        }
    }

    /// Counts a call out of `queue`'s line, dropping the stale entries in front (so
    /// that the first entry is the next call) and, once there are many, all of them
    /// (see `WaitingLine.compact`).
    mutating func markLeft(_ queue: QueueID) {
        let isLive = isWaiting(in: queue)
        let stale = lines.inPlace(queue) { line in
            line.markLeft()
            _ = line.front { isLive($0) }
            return line.entries.count - line.count > 1024
        } ?? false
        guard stale else { return }
        lines.inPlace(queue) { $0.compact { isLive($0) } }
    }
}

extension CallCenter {
    /// Live calls waiting in `queue`, in the order they will be served.
    public func waitingCalls(in queue: QueueID) -> [Call] {
        guard let line = lines[queue] else { return [] }
        let isLive = isWaiting(in: queue)
        return line.liveEntries { isLive($0) }.compactMap { calls[$0.call] }.filter { $0.queue == queue }
    }

    /// Whether a line entry of `queue` is a call waiting there (see `LineLiveness`).
    func isWaiting(in queue: QueueID) -> LineLiveness {
        #if DEBUG
        LineLiveness(stamps: lineStamps, calls: calls, queue: queue)
        #else
        LineLiveness(stamps: lineStamps)
        #endif
    }

    /// How many calls wait in `queue`.
    public func waitingCount(in queue: QueueID) -> Int { waitingByQueue[queue] ?? 0 }
    /// Calls waiting in all queues.
    public var waitingCount: Int { waitingTotal }
}

/// Whether a line entry is a call waiting there. A call's stamp is set when it
/// enters its lines and removed when it leaves them (rung, transferred, timed out,
/// hung up), so a matching stamp is the whole test; debug builds check it against
/// the call itself. A value, not a closure, so that a check allocates nothing.
struct LineLiveness {
    let stamps: IDMap<UInt64>
    #if DEBUG
    let calls: IDMap<Call>
    let queue: QueueID
    #endif

    func callAsFunction(_ entry: WaitingLine.Entry) -> Bool {
        let live = stamps[entry.call] == entry.stamp
        #if DEBUG
        if live {
            let call = calls[entry.call]
            assert(call.map { $0.state == .queued && ($0.queue == queue || $0.extraQueues.contains(queue)) } ?? false,
                   "entry of \(entry.call) in \(queue) has the live stamp but the call is \(call.map { "\($0.state) in \($0.queue)" } ?? "gone")")
        }
        #endif
        return live
    }
}
